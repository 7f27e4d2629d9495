package dev.axvm.config;

import dev.axvm.config.internal.ImageCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;

/**
 * Makes an {@link AxVMConfig} in code, with the keys of a config file as methods. {@link #build()}
 * applies the same rules as the loader and reports mistakes the same way, naming the field (the
 * source is {@code <builder>} unless {@link #sourceName(String)} says otherwise).
 *
 * <pre>{@code
 * AxVMConfig vm = AxVMConfig.builder()
 *         .id(1).name("nimbos").cpuNum(1).arch(GuestArch.X86_64)
 *         .kernel("nimbos.bin", 0x20_0000).entryPoint(0x8000).bios("axvm-bios.bin", 0x8000)
 *         .memoryRegion(0, 16 << 20, MemoryRegion.RWX, MapType.MAP_ALLOC)
 *         .build();
 * }</pre>
 *
 * Defaults are AxVisor's: {@code vm_type} RTOS, {@code image_location} "fs", {@code interrupt_mode}
 * "no_irq", and ours: builtin devices on, unhandled accesses ignored. Not thread-safe.
 */
public final class AxVMConfigBuilder {
    private String sourceName = "<builder>";
    private Path file;

    private long id;
    private String name;
    private VmType vmType = VmType.RTOS;
    private int cpuNum = 1;
    private List<Long> physCpuIds = List.of();
    private List<Long> physCpuSets = List.of();
    private GuestArch arch;

    private Long entryPoint;
    private String kernelPath;
    private long kernelLoadAddr;
    private String biosPath;
    private Long biosLoadAddr;
    private String dtbPath;
    private Long dtbLoadAddr;
    private String ramdiskPath;
    private Long ramdiskLoadAddr;
    private ImageLocation imageLocation = ImageLocation.FS;
    private String cmdline;
    private String diskPath;
    private final List<MemoryRegion> memoryRegions = new ArrayList<>();
    private X86EntryMode entryMode;
    private Set<ParavirtFeature> paravirtOff = Set.of();

    private final List<EmulatedDeviceConfig> emuDevices = new ArrayList<>();
    private final List<PassthroughDeviceConfig> passthroughDevices = new ArrayList<>();
    private final List<PassthroughAddressConfig> passthroughAddresses = new ArrayList<>();
    private final List<List<String>> excludedDevices = new ArrayList<>();
    private InterruptMode interruptMode = InterruptMode.NO_IRQ;
    private boolean builtinDevices = true;
    private UnhandledAccess unhandledAccess = UnhandledAccess.IGNORE;
    private final List<DiskImageConfig> diskImages = new ArrayList<>();

    AxVMConfigBuilder() {}

    static AxVMConfigBuilder from(AxVMConfig c) {
        AxVMConfigBuilder b = new AxVMConfigBuilder();
        b.sourceName = c.origin().sourceName();
        b.file = c.origin().file().orElse(null);
        BaseConfig base = c.base();
        b.id = base.id();
        b.name = base.name();
        b.vmType = base.vmType();
        b.cpuNum = base.cpuNum();
        b.physCpuIds = base.physCpuIds();
        b.physCpuSets = base.physCpuSets();
        b.arch = base.arch().orElse(null);
        b.paravirtOff = base.paravirtOff();
        KernelConfig k = c.kernel();
        b.entryPoint = k.entryPoint();
        b.kernelPath = k.kernelPath();
        b.kernelLoadAddr = k.kernelLoadAddr();
        b.biosPath = k.biosPath().orElse(null);
        b.biosLoadAddr = boxed(k.biosLoadAddr());
        b.dtbPath = k.dtbPath().orElse(null);
        b.dtbLoadAddr = boxed(k.dtbLoadAddr());
        b.ramdiskPath = k.ramdiskPath().orElse(null);
        b.ramdiskLoadAddr = boxed(k.ramdiskLoadAddr());
        b.imageLocation = k.imageLocation();
        b.cmdline = k.cmdline().orElse(null);
        b.diskPath = k.diskPath().orElse(null);
        b.memoryRegions.addAll(k.memoryRegions());
        b.entryMode = k.entryMode().orElse(null);
        DevicesConfig d = c.devices();
        b.emuDevices.addAll(d.emuDevices());
        b.passthroughDevices.addAll(d.passthroughDevices());
        b.passthroughAddresses.addAll(d.passthroughAddresses());
        b.excludedDevices.addAll(d.excludedDevices());
        b.interruptMode = d.interruptMode();
        b.builtinDevices = d.builtinDevices();
        b.unhandledAccess = d.unhandledAccess();
        return b;
    }

    /** The name messages give as the source (default {@code <builder>}). */
    public AxVMConfigBuilder sourceName(String sourceName) {
        this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
        return this;
    }

    /** The config file this config stands for: relative image paths are resolved against its directory. */
    public AxVMConfigBuilder file(Path file) {
        this.file = file;
        return this;
    }

    /** {@code [base] id} (unsigned). */
    public AxVMConfigBuilder id(long id) {
        this.id = id;
        return this;
    }

    /** {@code [base] name}. */
    public AxVMConfigBuilder name(String name) {
        this.name = name;
        return this;
    }

    /** {@code [base] vm_type}. */
    public AxVMConfigBuilder vmType(VmType vmType) {
        this.vmType = Objects.requireNonNull(vmType, "vmType");
        return this;
    }

    /** {@code [base] cpu_num} (default 1). */
    public AxVMConfigBuilder cpuNum(int cpuNum) {
        this.cpuNum = cpuNum;
        return this;
    }

    /** {@code [base] phys_cpu_ids}: one physical CPU id per vCPU; none to leave the key out. */
    public AxVMConfigBuilder physCpuIds(long... ids) {
        this.physCpuIds = Arrays.stream(ids).boxed().toList();
        return this;
    }

    /** {@code [base] phys_cpu_sets}: one affinity mask per vCPU; none to leave the key out. */
    public AxVMConfigBuilder physCpuSets(long... masks) {
        this.physCpuSets = Arrays.stream(masks).boxed().toList();
        return this;
    }

    /** {@code [base] arch}; null for the host's. */
    public AxVMConfigBuilder arch(GuestArch arch) {
        this.arch = arch;
        return this;
    }

    /** {@code [base] paravirt_off}: the KVM paravirtual features the guest is denied (x86_64); none by default. */
    public AxVMConfigBuilder paravirtOff(ParavirtFeature... features) {
        this.paravirtOff = Set.of(features);
        return this;
    }

    /** {@code [kernel] entry_point}; defaults to the kernel's load address. */
    public AxVMConfigBuilder entryPoint(long entryPoint) {
        this.entryPoint = entryPoint;
        return this;
    }

    /** {@code [kernel] kernel_path} and {@code kernel_load_addr}. */
    public AxVMConfigBuilder kernel(String path, long loadAddr) {
        this.kernelPath = path;
        this.kernelLoadAddr = loadAddr;
        return this;
    }

    /** {@code [kernel] bios_path} and {@code bios_load_addr}. */
    public AxVMConfigBuilder bios(String path, long loadAddr) {
        this.biosPath = path;
        this.biosLoadAddr = loadAddr;
        return this;
    }

    /** {@code [kernel] dtb_path} and {@code dtb_load_addr}. */
    public AxVMConfigBuilder dtb(String path, long loadAddr) {
        this.dtbPath = path;
        this.dtbLoadAddr = loadAddr;
        return this;
    }

    /** {@code [kernel] dtb_load_addr} alone, as AxVisor allows (no device tree file named). */
    public AxVMConfigBuilder dtbLoadAddr(long loadAddr) {
        this.dtbLoadAddr = loadAddr;
        return this;
    }

    /** {@code [kernel] ramdisk_path} and {@code ramdisk_load_addr}. */
    public AxVMConfigBuilder ramdisk(String path, long loadAddr) {
        this.ramdiskPath = path;
        this.ramdiskLoadAddr = loadAddr;
        return this;
    }

    /** {@code [kernel] ramdisk_path} alone: the VM places it (below the device tree, at the end of the kernel's RAM). */
    public AxVMConfigBuilder ramdisk(String path) {
        this.ramdiskPath = path;
        this.ramdiskLoadAddr = null;
        return this;
    }

    /** {@code [kernel] image_location}. */
    public AxVMConfigBuilder imageLocation(ImageLocation imageLocation) {
        this.imageLocation = Objects.requireNonNull(imageLocation, "imageLocation");
        return this;
    }

    /** {@code [kernel] cmdline}; null for none. */
    public AxVMConfigBuilder cmdline(String cmdline) {
        this.cmdline = cmdline;
        return this;
    }

    /** {@code [kernel] disk_path}; null for none. */
    public AxVMConfigBuilder diskPath(String diskPath) {
        this.diskPath = diskPath;
        return this;
    }

    /** {@code [kernel] entry_mode} (x86 only); null for real mode. */
    public AxVMConfigBuilder entryMode(X86EntryMode entryMode) {
        this.entryMode = entryMode;
        return this;
    }

    /** Adds a {@code [kernel] memory_regions} entry. */
    public AxVMConfigBuilder memoryRegion(long gpa, long size, int flags, MapType mapType) {
        return memoryRegion(new MemoryRegion(gpa, size, flags, mapType));
    }

    /** Adds a {@code [kernel] memory_regions} entry. */
    public AxVMConfigBuilder memoryRegion(MemoryRegion region) {
        memoryRegions.add(Objects.requireNonNull(region, "region"));
        return this;
    }

    /** Adds a {@code [devices] emu_devices} entry. */
    public AxVMConfigBuilder emulatedDevice(EmulatedDeviceConfig device) {
        emuDevices.add(Objects.requireNonNull(device, "device"));
        return this;
    }

    /** Adds a {@code [devices] passthrough_devices} entry (refused when a VM is built on a user-space host). */
    public AxVMConfigBuilder passthroughDevice(PassthroughDeviceConfig device) {
        passthroughDevices.add(Objects.requireNonNull(device, "device"));
        return this;
    }

    /** Adds a {@code [devices] passthrough_addresses} entry (refused when a VM is built on a user-space host). */
    public AxVMConfigBuilder passthroughAddress(long baseGpa, long length) {
        passthroughAddresses.add(new PassthroughAddressConfig(baseGpa, length));
        return this;
    }

    /** Adds a {@code [devices] excluded_devices} entry. */
    public AxVMConfigBuilder excludedDevice(String... paths) {
        excludedDevices.add(List.of(paths));
        return this;
    }

    /** {@code [devices] interrupt_mode}. */
    public AxVMConfigBuilder interruptMode(InterruptMode interruptMode) {
        this.interruptMode = Objects.requireNonNull(interruptMode, "interruptMode");
        return this;
    }

    /** {@code [devices] builtin_devices} (default true). */
    public AxVMConfigBuilder builtinDevices(boolean builtinDevices) {
        this.builtinDevices = builtinDevices;
        return this;
    }

    /** {@code [devices] unhandled_access}. */
    public AxVMConfigBuilder unhandledAccess(UnhandledAccess unhandledAccess) {
        this.unhandledAccess = Objects.requireNonNull(unhandledAccess, "unhandledAccess");
        return this;
    }

    /** Adds a {@code [devices] disk_images} entry: the image behind the VirtioBlk entry {@code name}. */
    public AxVMConfigBuilder diskImage(String name, String path, boolean readOnly) {
        diskImages.add(new DiskImageConfig(name, path, readOnly));
        return this;
    }

    /**
     * The config, checked by every rule the loader applies, image sizes included. Warnings are not
     * thrown; {@link AxVMConfigs#check(AxVMConfig)} lists them.
     *
     * @throws ConfigException naming each mistake
     */
    public AxVMConfig build() {
        ConfigOrigin origin = ConfigOrigin.inCode(sourceName, Optional.ofNullable(file));
        List<ConfigError> missing = new ArrayList<>();
        if (name == null) {
            missing.add(new ConfigError(origin.locate("base.name"), "base.name", "missing", "a VM name"));
        }
        if (kernelPath == null) {
            missing.add(new ConfigError(origin.locate("kernel.kernel_path"), "kernel.kernel_path", "missing",
                    "the kernel image's path and load address, from kernel(path, loadAddr)"));
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(missing);
        }
        AxVMConfig config = new AxVMConfig(
                new BaseConfig(id, name, vmType, cpuNum, physCpuIds, physCpuSets, Optional.ofNullable(arch), paravirtOff),
                new KernelConfig(entryPoint == null ? kernelLoadAddr : entryPoint, kernelPath, kernelLoadAddr,
                        Optional.ofNullable(biosPath), optional(biosLoadAddr), Optional.ofNullable(dtbPath),
                        optional(dtbLoadAddr), Optional.ofNullable(ramdiskPath), optional(ramdiskLoadAddr),
                        imageLocation, Optional.ofNullable(cmdline), Optional.ofNullable(diskPath), memoryRegions,
                        Optional.ofNullable(entryMode)),
                new DevicesConfig(emuDevices, passthroughDevices, passthroughAddresses, excludedDevices, interruptMode,
                        builtinDevices, unhandledAccess, diskImages),
                origin);
        List<ConfigError> errors = new ArrayList<>();
        ImageCheck.check(config, errors, new ArrayList<>());
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static Long boxed(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }
}
