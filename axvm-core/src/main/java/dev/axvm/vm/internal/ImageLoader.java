package dev.axvm.vm.internal;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.ImageKind;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.KernelConfig;
import dev.axvm.config.MemoryRegion;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vm.ImageLoadException;
import dev.axvm.vm.acpi.AcpiTables;
import dev.axvm.vm.internal.boot.BzImage;
import dev.axvm.vm.internal.boot.E820Map;
import dev.axvm.vm.internal.boot.LinuxImage;
import dev.axvm.vm.internal.boot.PvhStartInfo;
import dev.axvm.vm.internal.boot.ResetVectorStub;
import dev.axvm.vm.internal.boot.X86BootLayout;
import dev.axvm.vm.internal.boot.ZeroPage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Loads a config's images (kernel, BIOS, DTB, ramdisk) into guest RAM: from files relative to the
 * config ({@code image_location = "fs"}) or from bytes the embedder handed in by name
 * ({@code "memory"}). A kernel that is an ELF file is loaded by its PT_LOAD segments and starts at
 * its header's entry. Every piece is checked to fit in RAM before the first byte is copied.
 */
public final class ImageLoader {
    private static final long MAX_IMAGE = Integer.MAX_VALUE - 8;
    // Where an x86 vCPU's entry structures start (X86EntryState.DEFAULT_SCRATCH; the backend is not a dependency here).
    private static final long ENTRY_SCRATCH = 0x1000;
    /** The most a device tree may take (arm64's booting rules; kept on riscv64 too). */
    public static final long MAX_DTB = 2L << 20;

    private final AxVMConfig config;
    private final Map<String, byte[]> memoryImages;
    private final int elfMachine;
    private final String arch;

    /**
     * @param memoryImages images by the name the config gives as their path ({@code image_location = "memory"})
     * @param elfMachine the ELF e_machine a kernel must have on this architecture
     */
    public ImageLoader(AxVMConfig config, Map<String, byte[]> memoryImages, int elfMachine, String arch) {
        this.config = config;
        this.memoryImages = Map.copyOf(memoryImages);
        this.elfMachine = elfMachine;
        this.arch = arch;
    }

    /** One contiguous copy into guest RAM: {@code length} bytes of {@code source} then {@code zeros} zero bytes. */
    private record Piece(String what, long gpa, byte[] source, int offset, int length, long zeros) {
        long end() {
            return gpa + length + zeros;
        }
    }

    /**
     * Where the images went.
     *
     * @param entry the boot vCPU's entry: the config's, an ELF kernel's, or a Linux Image's first byte
     * @param linux whether the kernel is a Linux Image (it needs a device tree)
     * @param initrd the initial ramdisk's range, if there is one
     * @param dtb where the device tree is: loaded from the config's file, or reserved for one the VM
     *     generates ({@link #generateDtb}); empty when the guest gets none
     * @param generateDtb whether the VM must write its own device tree at {@code dtb}
     * @param x86Linux how an x86 Linux kernel (bzImage or PVH vmlinux) is entered, if the kernel is one
     */
    public record Loaded(long entry, boolean linux, Optional<GuestPhysAddrRange> initrd, OptionalLong dtb,
            boolean generateDtb, Optional<X86Linux> x86Linux) {}

    /**
     * How the boot vCPU enters an x86 Linux kernel whose boot structures (zero page or PVH start
     * info, command line, ACPI tables) the loader wrote.
     *
     * @param mode long mode for a bzImage's 64-bit entry, 32-bit protected mode for PVH
     * @param bootInfo the zero page (RSI) or the start info (EBX)
     * @param protocol what the VM's notes call it
     */
    public record X86Linux(EntryMode mode, long bootInfo, String protocol) {}

    /**
     * Checks every image, then loads them all. A Linux Image kernel (aarch64, riscv64) must sit
     * {@code text_offset} past a 2 MiB boundary and gets its whole {@code image_size}; it starts at
     * its first byte. Without addresses from the config, the device tree goes in the last 2 MiB of
     * the kernel's RAM region and the initial ramdisk right below it, as Firecracker places them. A
     * device tree is generated (at that place or the config's {@code dtb_load_addr}) for a Linux
     * Image, or when the config gives {@code dtb_load_addr} without {@code dtb_path}. Pieces that
     * overlap are refused, naming both.
     */
    public Loaded load(GuestMemory memory) {
        List<Piece> pieces = new ArrayList<>();
        KernelConfig k = config.kernel();
        long entry = k.entryPoint();
        boolean linux = false;
        String kernelWhat = describe(ImageKind.KERNEL, k.kernelPath());
        byte[] kernel = read(ImageKind.KERNEL, k.kernelPath());
        Optional<LinuxImage> image = LinuxImage.parse(kernelWhat, kernel, arch);
        boolean x86 = arch.equals("x86_64");
        BzImage bz = x86 && !ElfImage.isElf(kernel) && BzImage.isBzImage(kernel) ? BzImage.parse(kernelWhat, kernel) : null;
        boolean pvh = false;
        if (ElfImage.isElf(kernel)) {
            ElfImage elf = ElfImage.parse(kernelWhat, kernel);
            if (elf.machine() != elfMachine) {
                throw new ImageLoadException(kernelWhat + ": ELF e_machine " + elf.machine()
                        + " is not this VM's architecture (expected " + elfMachine + ")");
            }
            for (ElfImage.Segment seg : elf.segments()) {
                pieces.add(new Piece(kernelWhat + " segment at 0x" + Long.toHexString(seg.physAddr()), seg.physAddr(),
                        kernel, (int) seg.fileOffset(), (int) seg.fileSize(), seg.memSize() - seg.fileSize()));
            }
            entry = elf.entry();
            if (x86 && elf.pvhEntry().isPresent()) {
                entry = elf.pvhEntry().getAsLong();
                pvh = true;
            }
        } else if (bz != null) {
            long load = k.kernelLoadAddr();
            bz.checkLoadAddress(kernelWhat, load);
            if (k.entryPoint() != load && k.entryPoint() != load + BzImage.ENTRY_64) {
                throw new ImageLoadException(String.format("%s: entry_point 0x%x: a bzImage is entered at its 64-bit entry, "
                        + "kernel_load_addr + 0x200 (0x%x); give that or kernel_load_addr itself", kernelWhat,
                        k.entryPoint(), load + BzImage.ENTRY_64));
            }
            int size = kernel.length - bz.kernelOffset();
            pieces.add(new Piece(String.format("%s (bzImage, boot protocol %s, init_size 0x%x)", kernelWhat,
                    bz.versionText(), bz.initSize()), load, kernel, bz.kernelOffset(), size, bz.initSize() - size));
            entry = load + BzImage.ENTRY_64;
        } else if (image.isPresent()) {
            LinuxImage li = image.get();
            li.checkLoadAddress(kernelWhat, k.kernelLoadAddr());
            if (k.entryPoint() != k.kernelLoadAddr()) {
                throw new ImageLoadException(String.format("%s: entry_point 0x%x differs from kernel_load_addr 0x%x; a "
                        + "Linux Image starts at its first byte", kernelWhat, k.entryPoint(), k.kernelLoadAddr()));
            }
            pieces.add(new Piece(kernelWhat + " (Linux Image, image_size 0x" + Long.toHexString(li.imageSize()) + ")",
                    k.kernelLoadAddr(), kernel, 0, kernel.length, li.imageSize() - kernel.length));
            entry = k.kernelLoadAddr();
            linux = true;
        } else {
            pieces.add(new Piece(kernelWhat, k.kernelLoadAddr(), kernel, 0, kernel.length, 0));
        }
        if (k.biosPath().isPresent() && k.biosLoadAddr().isPresent()) {
            byte[] bios = read(ImageKind.BIOS, k.biosPath().get());
            pieces.add(new Piece(describe(ImageKind.BIOS, k.biosPath().get()), k.biosLoadAddr().getAsLong(), bios, 0,
                    bios.length, 0));
        }

        // The device tree: the config's file, or the VM's own, in a slot of its own.
        boolean describable = arch.equals("aarch64") || arch.equals("riscv64");
        boolean generate = describable && k.dtbPath().isEmpty() && (linux || k.dtbLoadAddr().isPresent());
        OptionalLong dtb = OptionalLong.empty();
        byte[] dtbFile = null;
        if (k.dtbPath().isPresent()) {
            dtbFile = read(ImageKind.DTB, k.dtbPath().get());
        }
        if (dtbFile != null || generate) {
            long size = dtbFile != null ? dtbFile.length : MAX_DTB;
            long at = k.dtbLoadAddr().orElse(defaultDtbSlot(k));
            if (at % 8 != 0) {
                throw new ImageLoadException(String.format("dtb_load_addr 0x%x is not 8-byte aligned", at));
            }
            dtb = OptionalLong.of(at);
            pieces.add(dtbFile != null
                    ? new Piece(describe(ImageKind.DTB, k.dtbPath().get()), at, dtbFile, 0, dtbFile.length, 0)
                    : new Piece("the generated device tree (up to 2 MiB)", at, new byte[0], 0, 0, size));
        }

        // The initial ramdisk: the config's address, or right below the device tree (the end of RAM without one).
        Optional<GuestPhysAddrRange> initrd = Optional.empty();
        long ramdiskSize = 0;
        if (k.ramdiskPath().isPresent()) {
            byte[] ramdisk = read(ImageKind.RAMDISK, k.ramdiskPath().get());
            ramdiskSize = ramdisk.length;
            long top = dtb.isPresent() && k.dtbLoadAddr().isEmpty() ? dtb.getAsLong() : regionEnd(k);
            if (bz != null && (bz.xloadFlags() & BzImage.XLF_CAN_BE_LOADED_ABOVE_4G) == 0) {
                top = Math.min(top, bz.initrdAddrMax() + 1);
            }
            long at = k.ramdiskLoadAddr().orElse((top - ramdisk.length) & ~0xfffL);
            pieces.add(new Piece(describe(ImageKind.RAMDISK, k.ramdiskPath().get()), at, ramdisk, 0, ramdisk.length, 0));
            initrd = Optional.of(new GuestPhysAddrRange(at, Math.max(1, ramdisk.length)));
        }

        Optional<X86Linux> x86Linux = Optional.empty();
        if (bz != null || pvh) {
            x86Linux = Optional.of(x86BootStructures(pieces, bz, initrd, ramdiskSize));
        }
        for (Piece p : pieces) {
            checkFits(p, memory);
        }
        checkOverlaps(pieces);
        for (Piece p : pieces) {
            memory.write(p.gpa(), p.source(), p.offset(), p.length());
            zero(memory, p.gpa() + p.length(), p.zeros());
        }
        return new Loaded(entry, linux, initrd, dtb, generate, x86Linux);
    }

    /**
     * The pieces an x86 Linux kernel is booted with (see {@link X86BootLayout}): the vCPU's entry
     * structures' place, the zero page ({@code bz}) or PVH start info, the command line, the
     * ACPI tables generated from the config and the reset vector's stub.
     */
    private X86Linux x86BootStructures(List<Piece> pieces, BzImage bz, Optional<GuestPhysAddrRange> initrd,
            long ramdiskSize) {
        KernelConfig k = config.kernel();
        byte[] cmdline = (k.cmdline().orElse("") + "\0").getBytes(StandardCharsets.UTF_8);
        long maxCmdline = bz != null ? bz.cmdlineSize() : X86BootLayout.PVH_CMDLINE_MAX;
        if (cmdline.length - 1 > maxCmdline) {
            throw new ImageLoadException(String.format("kernel.cmdline has %d bytes; this kernel takes at most %d",
                    cmdline.length - 1, maxCmdline));
        }
        byte[] acpi = AcpiTables.of(config, X86BootLayout.ACPI).bytes();
        if (acpi.length > X86BootLayout.ACPI_SIZE) {
            throw new ImageLoadException(String.format("the ACPI tables take 0x%x bytes, more than the 0x%x reserved for them",
                    acpi.length, X86BootLayout.ACPI_SIZE));
        }
        E820Map memory = E820Map.of(k.memoryRegions());
        long ramdisk = initrd.map(GuestPhysAddrRange::start).orElse(0L);
        byte[] info = bz != null
                ? ZeroPage.build(bz, X86BootLayout.CMDLINE, ramdisk, ramdiskSize, memory, X86BootLayout.ACPI)
                : PvhStartInfo.build(X86BootLayout.CMDLINE, ramdisk, ramdiskSize, memory, X86BootLayout.ACPI);
        pieces.add(new Piece("the boot vCPU's GDT and page tables", ENTRY_SCRATCH, new byte[0], 0, 0,
                X86BootLayout.BOOT_INFO - ENTRY_SCRATCH));
        pieces.add(new Piece(bz != null ? "boot_params (the zero page)" : "the PVH start info", X86BootLayout.BOOT_INFO,
                info, 0, info.length, 0));
        pieces.add(new Piece("the kernel command line", X86BootLayout.CMDLINE, cmdline, 0, cmdline.length, 0));
        pieces.add(new Piece("the ACPI tables", X86BootLayout.ACPI, acpi, 0, acpi.length, 0));
        byte[] reset = ResetVectorStub.bytes();
        pieces.add(new Piece("the reset vector's stub", X86BootLayout.RESET_VECTOR, reset, 0, reset.length, 0));
        return bz != null
                ? new X86Linux(EntryMode.LONG, X86BootLayout.BOOT_INFO, "bzImage, 64-bit boot protocol " + bz.versionText())
                : new X86Linux(EntryMode.PROTECTED, X86BootLayout.BOOT_INFO, "PVH entry of an ELF vmlinux");
    }

    /** The last 2 MiB of the RAM region that holds the kernel (or of the first region). */
    private long defaultDtbSlot(KernelConfig k) {
        long end = regionEnd(k);
        return (end - MAX_DTB) & -LinuxImage.ALIGNMENT;
    }

    private long regionEnd(KernelConfig k) {
        MemoryRegion r = k.memoryRegions().stream().filter(m -> m.contains(k.kernelLoadAddr())).findFirst()
                .orElse(k.memoryRegions().getFirst());
        return r.gpa() + r.size();
    }

    private static void checkOverlaps(List<Piece> pieces) {
        for (int i = 0; i < pieces.size(); i++) {
            for (int j = i + 1; j < pieces.size(); j++) {
                Piece a = pieces.get(i);
                Piece b = pieces.get(j);
                if (a.gpa() < b.end() && b.gpa() < a.end() && a.end() > a.gpa() && b.end() > b.gpa()) {
                    throw new ImageLoadException(String.format("%s at [0x%x, 0x%x) overlaps %s at [0x%x, 0x%x)", a.what(),
                            a.gpa(), a.end(), b.what(), b.gpa(), b.end()));
                }
            }
        }
    }

    private static void zero(GuestMemory memory, long gpa, long count) {
        byte[] zeros = new byte[(int) Math.min(count, 1 << 16)];
        for (long done = 0; done < count; done += zeros.length) {
            memory.write(gpa + done, zeros, 0, (int) Math.min(zeros.length, count - done));
        }
    }

    private static String describe(ImageKind kind, String path) {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + path + "'";
    }

    private byte[] read(ImageKind kind, String path) {
        String what = describe(kind, path);
        if (config.kernel().imageLocation() == ImageLocation.MEMORY) {
            byte[] bytes = memoryImages.get(path);
            if (bytes == null) {
                throw new ImageLoadException(what + ": image_location = \"memory\" but no image named '"
                        + path + "' was handed to the VM (have: " + memoryImages.keySet() + ")");
            }
            return bytes;
        }
        Path file = config.origin().resolve(path);
        try {
            // Checked at every load (a reboot reloads): a path swapped for a FIFO or a device would
            // block the loading thread or read without bound.
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ImageLoadException(what + ": " + file + " is not a regular file");
            }
            long size = attributes.size();
            if (size > MAX_IMAGE || size > totalRam()) {
                throw new ImageLoadException(String.format("%s (%s, 0x%x bytes) is larger than the VM's RAM (0x%x bytes)",
                        what, file, size, totalRam()));
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) size); // no more than it had when checked, whatever it grows to
                if (bytes.length != size) {
                    throw new ImageLoadException(String.format("%s: %s shrank from 0x%x to 0x%x bytes while it was read",
                            what, file, size, bytes.length));
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new ImageLoadException(what + ": " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ImageLoadException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private long totalRam() {
        return config.kernel().memorySize();
    }

    private void checkFits(Piece p, GuestMemory memory) {
        long size = p.length() + p.zeros();
        if (size == 0 || memory.isRam(p.gpa(), size)) {
            return;
        }
        throw new ImageLoadException(String.format("%s (0x%x bytes) at GPA 0x%x does not fit in guest RAM: %s", p.what(),
                size, p.gpa(), where(p.gpa(), size)));
    }

    private String where(long gpa, long size) {
        for (MemoryRegion r : config.kernel().memoryRegions()) {
            if (r.contains(gpa)) {
                return String.format("it runs 0x%x bytes past the end of region [0x%x, 0x%x)",
                        gpa + size - (r.gpa() + r.size()), r.gpa(), r.gpa() + r.size());
            }
        }
        StringBuilder regions = new StringBuilder();
        for (MemoryRegion r : config.kernel().memoryRegions()) {
            regions.append(regions.isEmpty() ? "" : ", ").append(String.format("[0x%x, 0x%x)", r.gpa(), r.gpa() + r.size()));
        }
        return "no memory region contains it (regions: " + regions + ")";
    }

    /** The load address the config gives for {@code kind}, if any. */
    public OptionalLong loadAddr(ImageKind kind) {
        return config.kernel().loadAddr(kind);
    }
}
