package dev.axvm.config.internal;

import static dev.axvm.config.internal.Addresses.hex;
import static dev.axvm.config.internal.Addresses.range;

import dev.axvm.config.BaseConfig;
import dev.axvm.config.ConfigError;
import dev.axvm.config.ConfigOrigin;
import dev.axvm.config.DevicesConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.DiskImageConfig;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageKind;
import dev.axvm.config.KernelConfig;
import dev.axvm.config.MemoryRegion;
import dev.axvm.config.PassthroughAddressConfig;
import dev.axvm.config.PassthroughDeviceConfig;
import dev.axvm.config.X86EntryMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rules every config obeys, whether read from TOML or built in code. Pure: no file is touched
 * (image sizes are {@link ImageCheck}'s). Each rule has its own message; rules whose inputs are
 * already wrong are skipped, so that one mistake gives one error.
 */
public final class ConfigRules {
    private static final long VIRTIO_MMIO_WINDOW = 0x200;
    /** The most vCPUs a VM may ask for (KVM's own limit on current x86 kernels). */
    public static final int MAX_VCPUS = 4096;
    /** The guest page size every region is aligned to. */
    public static final long PAGE_SIZE = 0x1000;

    private final ConfigOrigin origin;
    private final List<ConfigError> errors = new ArrayList<>();

    private ConfigRules(ConfigOrigin origin) {
        this.origin = origin;
    }

    /** Every broken rule, in no particular order; empty when the config is valid. */
    public static List<ConfigError> check(BaseConfig base, KernelConfig kernel, DevicesConfig devices, ConfigOrigin origin) {
        ConfigRules r = new ConfigRules(origin);
        r.base(base);
        r.kernel(kernel, base.arch());
        r.devices(devices, kernel, base.arch());
        return List.copyOf(r.errors);
    }

    /** The message for a cpu_num out of range, shared with the reader (which cannot narrow a larger number). */
    public static Problem cpuNumProblem(long cpuNum) {
        if (cpuNum < 1) {
            return new Problem(cpuNum + " vCPUs", "at least 1");
        }
        return new Problem(cpuNum + " vCPUs is more than a VM can have", "1 to " + MAX_VCPUS);
    }

    /** The message for flag bits outside AxVisor's six, shared with the reader. */
    public static Problem flagsProblem(long flags) {
        return new Problem(hex(flags) + " has bits outside READ|WRITE|EXECUTE|USER|DEVICE|UNCACHED",
                "a combination of 0x1 READ, 0x2 WRITE, 0x4 EXECUTE, 0x8 USER, 0x10 DEVICE, 0x20 UNCACHED");
    }

    private void error(String field, String problem, String expected) {
        errors.add(new ConfigError(origin.locate(field), field, problem, expected));
    }

    private void base(BaseConfig b) {
        if (b.name().isBlank()) {
            error("base.name", "empty", "a VM name, e.g. name = \"linux\"");
        }
        boolean cpuNumOk = b.cpuNum() >= 1 && b.cpuNum() <= MAX_VCPUS;
        if (!cpuNumOk) {
            Problem p = cpuNumProblem(b.cpuNum());
            error("base.cpu_num", p.what(), p.expected());
        }
        perVcpu("base.phys_cpu_ids", b.physCpuIds(), b.cpuNum(), cpuNumOk, "one physical CPU id per vCPU");
        perVcpu("base.phys_cpu_sets", b.physCpuSets(), b.cpuNum(), cpuNumOk, "one affinity mask per vCPU");
        if (!b.paravirtOff().isEmpty() && b.arch().isPresent() && b.arch().get() != GuestArch.X86_64) {
            error("base.paravirt_off", "KVM's paravirtual CPUID features are x86-only but base.arch is \""
                    + b.arch().get().tomlName() + "\"", "no paravirt_off for " + b.arch().get().tomlName() + " guests");
        }
        Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < b.physCpuIds().size(); i++) {
            Integer first = seen.putIfAbsent(b.physCpuIds().get(i), i);
            if (first != null) {
                error("base.phys_cpu_ids[" + i + "]", hex(b.physCpuIds().get(i)) + " repeats phys_cpu_ids[" + first + "]",
                        "a different physical CPU id for each vCPU");
            }
        }
        for (int i = 0; i < b.physCpuSets().size(); i++) {
            if (b.physCpuSets().get(i) == 0) {
                error("base.phys_cpu_sets[" + i + "]", "mask 0x0 allows no physical CPU", "a mask with at least one bit set");
            }
        }
    }

    private void perVcpu(String field, List<Long> values, int cpuNum, boolean cpuNumOk, String expected) {
        if (!values.isEmpty() && cpuNumOk && values.size() != cpuNum) {
            error(field, values.size() + " entries for cpu_num = " + cpuNum, expected);
        }
    }

    private void kernel(KernelConfig k, Optional<GuestArch> arch) {
        path("kernel.kernel_path", k.kernelPath(), "the kernel image's path");
        for (ImageKind kind : List.of(ImageKind.BIOS, ImageKind.DTB, ImageKind.RAMDISK)) {
            Optional<String> p = k.path(kind);
            if (p.isEmpty()) {
                continue;
            }
            String field = "kernel." + kind.pathKey();
            path(field, p.get(), "a path, or no " + kind.pathKey() + " key");
            // A DTB or ramdisk without an address is placed by the VM (AxVM's extension: the end of
            // RAM, as Firecracker does); a BIOS has no place but its own.
            if (kind == ImageKind.BIOS && k.loadAddr(kind).isEmpty()) {
                error(field, "is set but " + kind.loadAddrKey() + " is not",
                        kind.loadAddrKey() + " = <guest-physical address> to load the " + kind.imageName() + " at");
            }
        }
        k.diskPath().ifPresent(p -> path("kernel.disk_path", p, "a path, or no disk_path key"));
        if (k.entryMode().isPresent() && arch.isPresent() && arch.get() != GuestArch.X86_64) {
            X86EntryMode m = k.entryMode().get();
            error("kernel.entry_mode", "\"" + m.tomlName() + "\" is x86-only but base.arch is \"" + arch.get().tomlName() + "\"",
                    "no entry_mode for " + arch.get().tomlName() + " guests");
        }
        regions(k.memoryRegions(), arch);
        List<MemoryRegion> usable = k.memoryRegions().stream()
                .filter(r -> r.size() != 0 && !Addresses.wraps(r.gpa(), r.size())).toList();
        if (!usable.isEmpty()) {
            inRam("kernel.entry_point", OptionalLong.of(k.entryPoint()), usable);
            for (ImageKind kind : ImageKind.values()) {
                inRam("kernel." + kind.loadAddrKey(), k.loadAddr(kind), usable);
            }
        }
    }

    private void path(String field, String path, String expected) {
        if (path.isBlank()) {
            error(field, "empty", expected);
            return;
        }
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            error(field, "\"" + Quoting.path(path) + "\" is not a valid path: " + e.getReason(), expected);
        }
    }

    private void inRam(String field, OptionalLong addr, List<MemoryRegion> ram) {
        if (addr.isEmpty()) {
            return;
        }
        long a = addr.getAsLong();
        for (MemoryRegion r : ram) {
            if (r.contains(a)) {
                return;
            }
        }
        error(field, hex(a) + " is outside guest RAM", "an address inside kernel.memory_regions: " + ramList(ram));
    }

    private static String ramList(List<MemoryRegion> ram) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ram.size() && i < 3; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(range(ram.get(i).gpa(), ram.get(i).size()));
        }
        if (ram.size() > 3) {
            sb.append(", and ").append(ram.size() - 3).append(" more");
        }
        return sb.toString();
    }

    private void regions(List<MemoryRegion> regions, Optional<GuestArch> arch) {
        if (regions.isEmpty()) {
            error("kernel.memory_regions", "empty", "at least one [gpa, size, flags, map_type] region of guest RAM");
            return;
        }
        for (int i = 0; i < regions.size(); i++) {
            MemoryRegion r = regions.get(i);
            String f = "kernel.memory_regions[" + i + "]";
            if (r.size() == 0) {
                error(f + ".size", "0 bytes", "a non-zero multiple of 0x1000, 4 KiB");
            } else if (r.size() % PAGE_SIZE != 0) {
                error(f + ".size", hex(r.size()) + " is not a multiple of the page size", "a multiple of 0x1000, 4 KiB");
            }
            if (r.gpa() % PAGE_SIZE != 0) {
                error(f + ".gpa", hex(r.gpa()) + " is not page-aligned", "a multiple of 0x1000, 4 KiB");
            }
            if ((r.flags() & ~MemoryRegion.ALL_FLAGS) != 0) {
                Problem p = flagsProblem(Integer.toUnsignedLong(r.flags()));
                error(f + ".flags", p.what(), p.expected());
            }
            addressable(f, r.gpa(), r.size(), arch);
        }
    }

    /** Checks that a non-empty range neither wraps nor leaves the architecture's guest-physical space. */
    private boolean addressable(String field, long start, long size, Optional<GuestArch> arch) {
        if (size == 0) {
            return false;
        }
        if (Addresses.wraps(start, size)) {
            error(field, hex(start) + " + " + hex(size) + " wraps past the end of the 64-bit address space",
                    "a range that ends at or below 0x1_0000_0000_0000_0000");
            return false;
        }
        int bits = arch.map(GuestArch::guestPhysAddrBits).orElse(maxGuestPhysAddrBits());
        long last = Addresses.last(start, size);
        if (bits < 64 && Long.compareUnsigned(last, (1L << bits) - 1) > 0) {
            String space = arch.map(a -> "the " + bits + "-bit guest-physical address space of " + a.tomlName())
                    .orElse("the " + bits + "-bit guest-physical address space of the widest architecture");
            error(field, range(start, size) + " ends beyond " + space, "a range that ends at or below " + hex(1L << bits));
            return false;
        }
        return true;
    }

    private static int maxGuestPhysAddrBits() {
        int max = 0;
        for (GuestArch a : GuestArch.values()) {
            max = Math.max(max, a.guestPhysAddrBits());
        }
        return max;
    }

    /** A range the overlap sweep looks at. */
    private record Span(String field, String label, long start, long size, boolean ram, int order) {}

    private void devices(DevicesConfig d, KernelConfig k, Optional<GuestArch> arch) {
        List<Span> spans = new ArrayList<>();
        int order = 0;
        for (int i = 0; i < k.memoryRegions().size(); i++) {
            MemoryRegion r = k.memoryRegions().get(i);
            if (r.size() != 0 && !Addresses.wraps(r.gpa(), r.size())) {
                spans.add(new Span("kernel.memory_regions[" + i + "]", "", r.gpa(), r.size(), true, order++));
            }
        }
        for (int i = 0; i < d.emuDevices().size(); i++) {
            EmulatedDeviceConfig e = d.emuDevices().get(i);
            String f = "devices.emu_devices[" + i + "]";
            device(spans, f, Quoting.name(e.name()), e.baseGpa(), e.length(), arch, order++);
        }
        for (int i = 0; i < d.passthroughDevices().size(); i++) {
            String f = "devices.passthrough_devices[" + i + "]";
            switch (d.passthroughDevices().get(i)) {
                case PassthroughDeviceConfig.Region r -> device(spans, f, Quoting.name(r.name()), r.baseGpa(), r.length(), arch, order++);
                case PassthroughDeviceConfig.DeviceTreeNode n -> {
                    if (!n.path().startsWith("/")) {
                        error(f + ".name", "\"" + Quoting.shorten(n.path()) + "\" is not a device-tree path",
                                "a path starting with /, or [name, base_gpa, base_hpa, length, irq_id]");
                    }
                }
            }
        }
        for (int i = 0; i < d.passthroughAddresses().size(); i++) {
            PassthroughAddressConfig a = d.passthroughAddresses().get(i);
            device(spans, "devices.passthrough_addresses[" + i + "]", "", a.baseGpa(), a.length(), arch, order++);
        }
        overlaps(spans);
        virtio(d);
    }

    /** virtio-mmio windows and interrupts, and the disk image of each block device. */
    private void virtio(DevicesConfig d) {
        Set<String> blocks = new HashSet<>();
        for (int i = 0; i < d.emuDevices().size(); i++) {
            EmulatedDeviceConfig e = d.emuDevices().get(i);
            String f = "devices.emu_devices[" + i + "]";
            switch (e.emuType()) {
                case VIRTIO_BLK, VIRTIO_CONSOLE, VIRTIO_RNG, VIRTIO_NET -> {
                    if (e.length() != 0 && Long.compareUnsigned(e.length(), VIRTIO_MMIO_WINDOW) < 0) {
                        error(f + ".length", hex(e.length()) + " bytes is smaller than the virtio-mmio register window",
                                "at least 0x200");
                    }
                    if (e.irqId() == 0) {
                        error(f + ".irq_id", "0: a virtio device cannot work without an interrupt",
                                "the interrupt line the guest finds it on");
                    }
                }
                default -> {
                    continue;
                }
            }
            if (e.emuType() == EmulatedDeviceType.VIRTIO_BLK) {
                blocks.add(e.name()); // one without an image is a warning (ImageCheck): AxVisor's configs have none
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < d.diskImages().size(); i++) {
            DiskImageConfig img = d.diskImages().get(i);
            String f = "devices.disk_images[" + i + "]";
            if (!blocks.contains(img.name())) {
                error(f + ".name", Quoting.name(img.name()) + "is no VirtioBlk (0xE1) entry of emu_devices",
                        "the name of a virtio block device");
            } else if (!seen.add(img.name())) {
                error(f + ".name", Quoting.name(img.name()) + "has a disk image already", "one image per block device");
            }
            if (img.path().isBlank()) {
                error(f + ".path", "empty", "the image file's path");
            }
        }
    }

    private void device(List<Span> spans, String field, String label, long start, long length, Optional<GuestArch> arch,
            int order) {
        if (length == 0) {
            error(field + ".length", "0 bytes", "the size of the device's address window");
            return;
        }
        if (addressable(field, start, length, arch)) {
            spans.add(new Span(field, label, start, length, false, order));
        }
    }

    /**
     * One sweep in address order against the range reaching furthest so far: every range that
     * overlaps an earlier one is reported once, at the entry written later (a device, when RAM is involved).
     */
    private void overlaps(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.<Span>comparingLong(s -> s.start() ^ Long.MIN_VALUE).thenComparingInt(Span::order));
        Span reach = null;
        for (Span s : sorted) {
            if (reach != null && Addresses.overlap(reach.start(), reach.size(), s.start(), s.size())) {
                report(reach, s);
            }
            if (reach == null || Long.compareUnsigned(Addresses.last(s.start(), s.size()),
                    Addresses.last(reach.start(), reach.size())) > 0) {
                reach = s;
            }
        }
    }

    private void report(Span a, Span b) {
        Span at;
        Span other;
        if (a.ram() != b.ram()) {
            at = a.ram() ? b : a;
            other = a.ram() ? a : b;
        } else {
            at = a.order() > b.order() ? a : b;
            other = at == a ? b : a;
        }
        String what = at.label() + range(at.start(), at.size());
        if (other.ram() && at.ram()) {
            error(at.field(), what + " overlaps " + other.field() + " " + range(other.start(), other.size()),
                    "memory regions that do not overlap");
        } else if (other.ram()) {
            error(at.field(), what + " overlaps guest RAM " + other.field() + " " + range(other.start(), other.size()),
                    "devices outside guest RAM");
        } else {
            error(at.field(), what + " overlaps " + other.field() + " " + other.label()
                    + range(other.start(), other.size()), "devices at addresses no other device uses");
        }
    }
}
