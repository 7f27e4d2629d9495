package dev.axvm.vm.internal;

import dev.axvm.addrspace.AddrSpace;
import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.addrspace.npt.PageTableFormat;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.DiskImageConfig;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestArch;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.config.MemoryRegion;
import dev.axvm.config.ParavirtFeature;
import dev.axvm.config.PassthroughAddressConfig;
import dev.axvm.config.PassthroughDeviceConfig;
import dev.axvm.config.UnhandledAccess;
import dev.axvm.config.VmType;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.BaseDeviceOps;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.DeviceHookups;
import dev.axvm.device.EmulatedDeviceFactory;
import dev.axvm.device.EmulatedDeviceSpec;
import dev.axvm.device.ResettableDevice;
import dev.axvm.device.virtio.VirtioMmioDevice;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.VmControl;
import dev.axvm.device.irq.Plic;
import dev.axvm.device.irq.PrivilegeMode;
import dev.axvm.device.uart.SerialSink;
import dev.axvm.device.uart.SerialSource;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuSetupConfig;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchBackends;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.spi.Teardown;
import dev.axvm.vm.AxVMHal;
import dev.axvm.vm.GuestRamBlock;
import dev.axvm.vm.SnapshotException;
import dev.axvm.vm.VmBuildException;
import dev.axvm.vm.fdt.Fdt;
import dev.axvm.vm.internal.boot.DeviceTreeGenerator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Everything a VM is made of, and how it is put together, rebuilt and taken apart: guest RAM
 * from the HAL mapped in the address space and registered with the hypervisor, the images, the
 * devices, and the hardware VM with its vCPUs from the architecture backend. What runs the VM
 * (its lifecycle) lives in {@link VmLifecycle}; this class only assembles.
 *
 * <p>Every step that acquires something records it before the next step can fail, so that a
 * failed build or reboot, and a close, return all of it ({@link #release}).
 *
 * @param <P> the host's frame service
 */
public final class VmAssembly<P extends PagingHandler> {
    private final AxVMHal<P> hal;
    private final AxVMConfig config;
    private final int id;
    private final String arch;
    private final ArchBackend backend;
    private final AddrSpace<P> addrSpace;
    private final List<GuestRamBlock> ramBlocks = new ArrayList<>();
    private final AxVmDevices devices = new AxVmDevices();
    /** The devices built from the config, which the VM closes (not the embedder's extra devices). */
    private final List<BaseDeviceOps<?>> ownedDevices = new ArrayList<>();
    private final VirtioDoorbells doorbells;
    private final ImageLoader images;
    private EntryMode bspMode;
    private long bootArgument;
    private final boolean inKernelIrqchip;
    private final Set<String> paravirtOff;
    private final List<String> notes = new ArrayList<>();
    private final VcpuSlot[] slots;
    private final InterruptRouter interrupts;
    private final ConsolePump consolePump;
    private volatile ArchVm archVm;
    private Plic userSpacePlic;
    private long bspEntry;
    private ImageLoader.Loaded loaded;
    private Fdt deviceTree;
    private byte[] deviceTreeBlob;
    private String deviceTreeProblem = "";

    /**
     * Builds the VM's parts; on failure, returns what it took and throws.
     *
     * @param control what devices ask of the VM (power-off, exit, reset)
     * @param unhandledStop asks the VM to stop for an access no device served (vCPU id, what)
     * @throws VmBuildException (or {@link dev.axvm.vm.ImageLoadException}) naming what cannot be built
     */
    public VmAssembly(AxVMHal<P> hal, AxVMConfig config, ArchBackend explicitBackend, Map<String, byte[]> memoryImages,
            List<BaseDeviceOps<?>> extraDevices, SerialSink consoleOut, SerialSource consoleIn, VmControl control,
            UnhandledStop unhandledStop) {
        this(hal, config, explicitBackend, memoryImages, extraDevices, consoleOut, consoleIn, control, unhandledStop, null);
    }

    /**
     * Builds the VM's parts as {@link #VmAssembly(AxVMHal, AxVMConfig, ArchBackend, Map, List, SerialSink,
     * SerialSource, VmControl, UnhandledStop)} does, or, with {@code restoring}, from a snapshot: no
     * image is loaded and no boot structure written (the snapshot's memory holds them), and
     * {@link VmSnapshot.Restore} fills memory and restores the hypervisor's, vCPUs' and devices' state.
     */
    public VmAssembly(AxVMHal<P> hal, AxVMConfig config, ArchBackend explicitBackend, Map<String, byte[]> memoryImages,
            List<BaseDeviceOps<?>> extraDevices, SerialSink consoleOut, SerialSource consoleIn, VmControl control,
            UnhandledStop unhandledStop, VmSnapshot.Restore restoring) {
        this.hal = hal;
        this.config = config;
        this.id = (int) config.base().id();
        this.doorbells = new VirtioDoorbells(id);
        this.arch = architecture(config);
        this.backend = explicitBackend != null ? explicitBackend : findBackend(arch);
        if (!backend.architecture().equals(arch)) {
            throw new VmBuildException("the " + backend.architecture() + " backend cannot run a " + arch + " guest");
        }
        checkHostCapabilities();
        this.paravirtOff = paravirtOff(config, arch);
        this.inKernelIrqchip = config.devices().interruptMode() != InterruptMode.NO_IRQ;
        this.bspMode = entryMode();
        this.images = new ImageLoader(config, memoryImages, elfMachine(arch), arch);
        this.slots = new VcpuSlot[config.base().cpuNum()];
        this.interrupts = new InterruptRouter(id);
        this.consolePump = ConsolePump.wrap(consoleOut, "vm" + id + "-console-out");
        AddrSpace<P> space;
        try {
            space = new AddrSpace<>(hal.pagingHandler(), pageTableFormat(arch), GuestPhysAddr.of(0),
                    pageTableFormat(arch).gpaLimit());
        } catch (RuntimeException e) {
            consolePump.close();
            throw new VmBuildException("VM '" + config.base().name() + "': cannot create its address space: "
                    + e.getMessage(), e);
        }
        this.addrSpace = space;
        try {
            allocateRam();
            if (restoring == null) {
                loaded = images.load(addrSpace);
                bspEntry = loaded.entry();
                bootArgument = arch.equals("x86_64") ? 0 : loaded.dtb().orElse(0);
                enterX86Linux(true);
            }
            archVm = createArchVm();
            interrupts.retarget(archVm);
            registerRam(archVm);
            checkReservedRanges(archVm);
            addDevices(new DeviceHookups(interrupts, control, consolePump.sink(), consoleIn), extraDevices);
            // A restored virtio device finds its queues' rings before any driver write tells it where memory is.
            virtioDevices().forEach(v -> v.attachMemory(addrSpace));
            notePassthrough();
            createVcpus(archVm, unhandledStop);
            if (restoring == null) {
                describeInDeviceTree();
            } else {
                deviceTreeProblem = "restored from a snapshot: the guest's device tree is in its memory";
                restoring.restore(this);
                // Requests made available while the snapshot was taken rang doorbells of the old VM, which no one hears now.
                virtioDevices().forEach(VirtioMmioDevice::serveAllQueues);
            }
            notes.addAll(doorbells.start(archVm, virtioDevices()));
        } catch (RuntimeException | Error e) {
            Teardown teardown = new Teardown();
            release(teardown);
            teardown.failures().forEach(e::addSuppressed);
            if (e instanceof VmBuildException || e instanceof SnapshotException || e instanceof Error) {
                throw e;
            }
            throw new VmBuildException("VM '" + config.base().name() + "': " + e.getMessage(), e);
        }
    }

    /** What the VM does with an access no device served when the config says stop. */
    @FunctionalInterface
    public interface UnhandledStop {
        /** vCPU {@code vcpuId} touched {@code what}. */
        void stop(int vcpuId, String what);
    }

    // ---- building ---------------------------------------------------------------------------

    static String architecture(AxVMConfig config) {
        return config.base().arch().or(GuestArch::host).map(GuestArch::tomlName)
                .orElseThrow(() -> new VmBuildException("base.arch is not set and this host's architecture ("
                        + System.getProperty("os.arch") + ") is not one AxVM runs"));
    }

    private static ArchBackend findBackend(String arch) {
        try {
            return ArchBackends.forArchitecture(arch);
        } catch (UnsupportedOperationException e) {
            throw new VmBuildException(e.getMessage(), e);
        }
    }

    private static PageTableFormat pageTableFormat(String arch) {
        return switch (arch) {
            case "x86_64" -> PageTableFormat.EPT;
            case "aarch64" -> PageTableFormat.AARCH64_S2_4L;
            default -> PageTableFormat.SV39X4;
        };
    }

    private static int elfMachine(String arch) {
        return switch (arch) {
            case "x86_64" -> ElfImage.EM_X86_64;
            case "aarch64" -> ElfImage.EM_AARCH64;
            default -> ElfImage.EM_RISCV;
        };
    }

    /**
     * An x86 Linux kernel decides how the boot vCPU enters it (long mode for a bzImage, protected
     * mode for PVH) and takes its boot structures' address; it needs the in-kernel irqchip (LAPIC,
     * IOAPIC) its ACPI tables describe.
     */
    private void enterX86Linux(boolean firstBuild) {
        if (loaded.x86Linux().isEmpty()) {
            return;
        }
        ImageLoader.X86Linux x = loaded.x86Linux().get();
        if (config.kernel().entryMode().isPresent() && bspMode != x.mode()) {
            throw new VmBuildException(config.origin().locate("kernel.entry_mode") + ": kernel.entry_mode is "
                    + bspMode.name().toLowerCase(java.util.Locale.ROOT) + ", but this kernel (" + x.protocol()
                    + ") is entered in " + x.mode().name().toLowerCase(java.util.Locale.ROOT) + " mode; drop the key");
        }
        if (!inKernelIrqchip) {
            throw new VmBuildException("VM '" + config.base().name() + "': a Linux guest on x86_64 needs the in-kernel "
                    + "LAPIC and IOAPIC its ACPI tables describe; set interrupt_mode = \"emulated\"");
        }
        bspMode = x.mode();
        bootArgument = x.bootInfo();
        if (firstBuild) {
            notes.add(String.format("x86_64 Linux kernel (%s): boot information at 0x%x, ACPI tables at 0x%x, "
                    + "secondary vCPUs started by the guest (INIT/SIPI)", x.protocol(), x.bootInfo(),
                    dev.axvm.vm.internal.boot.X86BootLayout.ACPI));
        }
    }

    private EntryMode entryMode() {
        return config.kernel().entryMode().map(m -> switch (m) {
            case REAL -> EntryMode.REAL;
            case PROTECTED -> EntryMode.PROTECTED;
            case LONG -> EntryMode.LONG;
        }).orElse(EntryMode.DEFAULT);
    }

    /**
     * What a user-space host cannot give at all (a host VM) is refused here. Passthrough entries
     * are not: the VM's emulated devices stand in for them ({@link #notePassthrough}), as the
     * config check's warnings say; x86's IOAPIC and LAPIC "passed through" at their architectural
     * addresses are what KVM's in-kernel irqchip emulates.
     */
    private void checkHostCapabilities() {
        if (config.base().vmType() == VmType.HOST_VM) {
            throw new VmBuildException(config.origin().sourceName()
                    + ": base.vm_type = 0 (host VM): a user-space KVM host runs guests only");
        }
    }

    /**
     * The KVM paravirtual features the guest is denied, by name. Checked once, at build: the config
     * rules refuse them for another {@code arch}; here a config without one meets the host's.
     */
    private static Set<String> paravirtOff(AxVMConfig config, String arch) {
        if (!config.base().paravirtOff().isEmpty() && !arch.equals(GuestArch.X86_64.tomlName())) {
            throw new VmBuildException(config.origin().locate("base.paravirt_off") + ": base.paravirt_off is x86-only, "
                    + "but this VM is " + arch);
        }
        return config.base().paravirtOff().stream().map(ParavirtFeature::tomlName).collect(Collectors.toUnmodifiableSet());
    }

    /** A note per passthrough entry: what the guest finds in its place. */
    private void notePassthrough() {
        List<PassthroughDeviceConfig> pt = config.devices().passthroughDevices();
        for (int i = 0; i < pt.size(); i++) {
            PassthroughDeviceConfig d = pt.get(i);
            String entry = "devices.passthrough_devices[" + i + "] '" + d.name() + "'";
            if (arch.equals("x86_64") && d instanceof PassthroughDeviceConfig.Region r && r.isX86InterruptController()) {
                notes.add(entry + " is served by KVM's in-kernel irqchip");
            } else if (d instanceof PassthroughDeviceConfig.Region r) {
                notes.add(entry + " is not passed through (a user-space host cannot); at "
                        + new GuestPhysAddrRange(r.baseGpa(), Math.max(1, r.length())) + " the guest finds "
                        + standIn(r.baseGpa(), r.length()));
            } else {
                notes.add(entry + " is not passed through (a user-space host cannot); the guest gets the VM's emulated "
                        + "devices" + (DeviceTreeGenerator.describes(arch) ? ", described in the generated device tree" : ""));
            }
        }
        List<PassthroughAddressConfig> addrs = config.devices().passthroughAddresses();
        for (int i = 0; i < addrs.size(); i++) {
            PassthroughAddressConfig a = addrs.get(i);
            notes.add("devices.passthrough_addresses[" + i + "] is not passed through (a user-space host cannot); at "
                    + new GuestPhysAddrRange(a.baseGpa(), Math.max(1, a.length())) + " the guest finds "
                    + standIn(a.baseGpa(), a.length()));
        }
    }

    /** The emulated devices in [gpa, gpa + length), or what an access there does. */
    private String standIn(long gpa, long length) {
        GuestPhysAddrRange range = new GuestPhysAddrRange(gpa, Math.max(1, length));
        List<String> found = new ArrayList<>();
        for (MmioDevice d : devices.mmioDevices()) {
            if (d.addressRange().overlaps(range)) {
                found.add("the emulated " + d.name() + " at " + d.addressRange());
            }
        }
        if (!found.isEmpty()) {
            return String.join(", ", found);
        }
        return "no device (accesses are unhandled: unhandled_access = \""
                + config.devices().unhandledAccess().tomlName() + "\")";
    }

    private boolean needsIrqchipForPassthrough() {
        return config.devices().passthroughDevices().stream().anyMatch(
                d -> d instanceof PassthroughDeviceConfig.Region r && r.isX86InterruptController());
    }

    private ArchVm createArchVm() {
        try {
            return backend.createVm(new ArchVmConfig(id, config.base().cpuNum(),
                    inKernelIrqchip || needsIrqchipForPassthrough(), paravirtOff));
        } catch (HardwareUnsupportedException e) {
            throw new VmBuildException("VM '" + config.base().name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Every region becomes an ordinary RAM block from the HAL, mapped in the address space; a
     * user-space host cannot map host-physical memory, so MapIdentical and MapReserved get RAM at
     * the same GPA (what the guest needs) and a note. Each block is recorded as soon as the HAL
     * hands it out.
     */
    private void allocateRam() {
        List<MemoryRegion> regions = config.kernel().memoryRegions();
        boolean firstBuild = archVm == null;
        for (int i = 0; i < regions.size(); i++) {
            MemoryRegion r = regions.get(i);
            String name = String.format("kernel.memory_regions[%d] [0x%x, 0x%x)", i, r.gpa(), r.gpa() + r.size());
            if (r.mapType() != MapType.MAP_ALLOC && firstBuild) {
                // Both map host-physical memory, which a user-space host cannot: the guest gets RAM where it expects it.
                notes.add(name + ": " + (r.mapType() == MapType.MAP_IDENTICAL ? "MapIdentical" : "MapReserved")
                        + " gets ordinary RAM at the same guest-physical address");
            }
            GuestRamBlock block = hal.allocGuestRam(r.size());
            ramBlocks.add(block);
            addrSpace.mapLinear(GuestPhysAddr.of(r.gpa()), block.hpa(), r.size(), flags(r));
        }
    }

    /** Registers every RAM block with the hypervisor (KVM memory slots): derived from the address space's regions. */
    private void registerRam(ArchVm vm) {
        List<MemoryRegion> regions = config.kernel().memoryRegions();
        for (int i = 0; i < regions.size(); i++) {
            vm.mapRam(regions.get(i).gpa(), ramBlocks.get(i).memory(), flags(regions.get(i)));
        }
    }

    private static MappingFlags flags(MemoryRegion r) {
        return MappingFlags.of(r.flags() & MemoryRegion.ALL_FLAGS);
    }

    private void checkReservedRanges(ArchVm vm) {
        for (Map.Entry<String, GuestPhysAddrRange> e : vm.reservedRanges().entrySet()) {
            for (MemoryRegion r : config.kernel().memoryRegions()) {
                GuestPhysAddrRange ram = new GuestPhysAddrRange(r.gpa(), r.size());
                if (ram.overlaps(e.getValue())) {
                    throw new VmBuildException(String.format("RAM %s overlaps %s at %s, which the %s backend reserves",
                            ram, e.getKey(), e.getValue(), arch));
                }
            }
        }
    }

    private void addDevices(DeviceHookups hookups, List<BaseDeviceOps<?>> extraDevices) {
        List<DeviceAddrRange> occupied = new ArrayList<>();
        for (MemoryRegion r : config.kernel().memoryRegions()) {
            occupied.add(new GuestPhysAddrRange(r.gpa(), r.size()));
        }
        occupied.addAll(archVm.reservedRanges().values());
        List<EmulatedDeviceConfig> emu = config.devices().emuDevices();
        // Host input goes to one device: the first virtio console when there is one (a guest with
        // console=hvc0 types there), else the UART that attaches first.
        int inputConsole = -1;
        for (int i = 0; i < emu.size() && inputConsole < 0; i++) {
            if (emu.get(i).emuType() == EmulatedDeviceType.VIRTIO_CONSOLE) {
                inputConsole = i;
            }
        }
        DeviceHookups noInput = new DeviceHookups(hookups.interrupts(), hookups.control(), hookups.consoleOut(),
                SerialSource.none());
        for (int i = 0; i < emu.size(); i++) {
            EmulatedDeviceConfig d = emu.get(i);
            if (isInterruptControllerPart(d.emuType())) {
                // AxVisor's partly passed-through GIC and PLIC: the VM's own controller is the emulated equivalent.
                notes.add("devices.emu_devices[" + i + "] '" + d.name() + "' (" + EmulatedDeviceFactory.describe(d.emuType())
                        + ") is served by the VM's own interrupt controller" + (inKernelIrqchip ? "" : ", which "
                        + "interrupt_mode = \"no_irq\" leaves out"));
                continue;
            }
            BaseDeviceOps<?> device;
            try {
                Optional<DiskImageConfig> disk = config.devices().diskImage(d.name());
                boolean input = inputConsole < 0 ? d.emuType() == EmulatedDeviceType.CONSOLE : i == inputConsole;
                device = EmulatedDeviceFactory.create(new EmulatedDeviceSpec(d.name(), d.baseGpa(), d.length(), d.irqId(),
                        d.emuType(), d.cfgList(), disk.map(img -> config.origin().resolve(img.path())),
                        disk.isPresent() && disk.get().readOnly()), arch, input ? hookups : noInput);
                addOrClose(device);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                throw new VmBuildException(config.origin().locate("devices.emu_devices") + ": " + e.getMessage(), e);
            }
            occupied.add(device.addressRange());
        }
        for (BaseDeviceOps<?> extra : extraDevices) {
            devices.add(extra);
            occupied.add(extra.addressRange());
        }
        if (config.devices().builtinDevices()) {
            devices.addAll(BuiltinDevices.create(arch, inputConsole < 0 ? hookups : noInput, occupied));
        }
        addUserSpaceInterruptController(occupied);
    }

    /** Adds a device the VM now owns; one the registry refuses is closed here (a block device's file). */
    private void addOrClose(BaseDeviceOps<?> device) {
        try {
            devices.add(device);
            ownedDevices.add(device);
        } catch (RuntimeException e) {
            if (device instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private List<VirtioMmioDevice> virtioDevices() {
        return devices.mmioDevices().stream().filter(VirtioMmioDevice.class::isInstance).map(VirtioMmioDevice.class::cast)
                .toList();
    }

    /** Every device the VM dispatches to: MMIO, then port, then system-register devices, each in address order. */
    public List<BaseDeviceOps<?>> everyDevice() {
        List<BaseDeviceOps<?>> all = new ArrayList<>(devices.mmioDevices());
        all.addAll(devices.portDevices());
        all.addAll(devices.sysRegDevices());
        return all;
    }

    /** Devices that reach into guest RAM let go of it: before a reboot replaces RAM, before a close frees it. */
    private void resetDevices() {
        for (BaseDeviceOps<?> d : everyDevice()) {
            if (d instanceof ResettableDevice r) {
                r.resetDevice();
            }
        }
    }

    /**
     * RISC-V hosts without KVM's AIA: a PLIC in user space (QEMU virt's, at 0x0c00_0000) takes the
     * devices' lines and drives each hart's S-mode external interrupt through its vCPU.
     */
    private static boolean isInterruptControllerPart(EmulatedDeviceType type) {
        return switch (type) {
            case INTERRUPT_CONTROLLER, GPPT_REDISTRIBUTOR, GPPT_DISTRIBUTOR, GPPT_ITS, PPPT_GLOBAL -> true;
            default -> false;
        };
    }

    private void addUserSpaceInterruptController(List<DeviceAddrRange> occupied) {
        if (!arch.equals("riscv64") || !inKernelIrqchip || archVm.hasInKernelIrqchip()) {
            return;
        }
        Plic plic = Plic.virt(slots.length, (hart, mode, asserted) -> {
            if (mode == PrivilegeMode.SUPERVISOR && hart >= 0 && hart < slots.length && slots[hart] != null) {
                slots[hart].vcpu.arch().setExternalInterruptLevel(asserted);
            }
        });
        for (DeviceAddrRange taken : occupied) {
            if (taken instanceof GuestPhysAddrRange && taken.overlaps(plic.addressRange())) {
                throw new VmBuildException("the RISC-V PLIC at " + plic.addressRange() + " overlaps " + taken
                        + "; move that region or device, or set interrupt_mode = \"no_irq\"");
            }
        }
        devices.add(plic);
        userSpacePlic = plic;
        interrupts.useUserSpaceController(plic);
    }

    private void createVcpus(ArchVm vm, UnhandledStop unhandledStop) {
        for (int i = 0; i < slots.length; i++) {
            // A config's phys_cpu_ids name the host CPUs AxVisor pins vCPUs to; the guest-visible id is the backend's.
            long archId = vm.archIdOf(i);
            long mask = config.base().physCpuSets().size() > i ? config.base().physCpuSets().get(i) : 0;
            int favor = mask == 0 ? -1 : Long.numberOfTrailingZeros(mask);
            AxVCpu<AxArchVCpu> vcpu = new AxVCpu<>(id, i, favor, mask, vm.createVcpu(new VCpuCreateConfig(id, i, archId)));
            int vcpuId = i;
            Consumer<String> stop = what -> unhandledStop.stop(vcpuId, what);
            VmDeviceHandler handler = new VmDeviceHandler(devices, addrSpace, new DeviceContext(id, i, addrSpace),
                    config.devices().unhandledAccess() == UnhandledAccess.STOP, stop);
            slots[i] = new VcpuSlot(i, archId, handler, vcpu);
        }
        setUpBsp(slots[0].vcpu);
        setUpSecondariesStartedByTheHypervisor(vm);
    }

    /**
     * Where the hypervisor starts secondary vCPUs itself (KVM's PSCI CPU_ON, SBI HSM), every vCPU
     * is set up now and runs from boot; its run waits inside the hypervisor until the guest starts it.
     */
    private void setUpSecondariesStartedByTheHypervisor(ArchVm vm) {
        if (!vm.startsSecondaryVcpus()) {
            return;
        }
        // An x86 application processor set up so waits for INIT/SIPI all the same: KVM resets it on
        // INIT and the SIPI names where it starts; the setup only makes its vCPU ready to run.
        for (int i = 1; i < slots.length; i++) {
            slots[i].vcpu.setup(GuestPhysAddr.of(bspEntry), addrSpace.pageTableRoot(), setupConfig(bspMode, bootArgument));
        }
    }

    /** Sets up a vCPU that is not yet, so that a restore can replace its state. */
    void setUpForRestore(VcpuSlot s) {
        if (s.vcpu.state() == dev.axvm.vcpu.VCpuState.CREATED) {
            s.vcpu.setup(GuestPhysAddr.of(bspEntry), addrSpace.pageTableRoot(), setupConfig(bspMode, bootArgument));
        }
    }

    private void setUpBsp(AxVCpu<AxArchVCpu> bsp) {
        try {
            bsp.setup(GuestPhysAddr.of(bspEntry), addrSpace.pageTableRoot(), setupConfig(bspMode, bootArgument));
        } catch (RuntimeException e) {
            throw new VmBuildException("VM '" + config.base().name() + "': the boot vCPU cannot start at 0x"
                    + Long.toHexString(bspEntry) + ": " + e.getMessage(), e);
        }
    }

    /** The setup a vCPU gets when it starts in {@code mode} with {@code argument}. */
    public VCpuSetupConfig setupConfig(EntryMode mode, long argument) {
        return new VCpuSetupConfig(mode, argument, addrSpace, 0);
    }

    /**
     * Generates the tree that describes the VM and writes it for a guest that gets one. A VM whose
     * guest does not get it may lack what a tree needs (an interrupt controller): that is no
     * fault, and {@link #deviceTreeProblem()} says why there is none.
     */
    private void describeInDeviceTree() {
        if (!DeviceTreeGenerator.describes(arch)) {
            deviceTreeProblem = arch + " VMs have no device tree (Linux on x86 boots with boot_params and ACPI)";
            return;
        }
        try {
            deviceTree = generateDeviceTree();
        } catch (VmBuildException e) {
            if (loaded.generateDtb()) {
                throw e;
            }
            deviceTreeProblem = e.getMessage();
            return;
        }
        if (loaded.generateDtb()) {
            if (loaded.linux() && !hasInterruptController()) {
                throw new VmBuildException("VM '" + config.base().name() + "': a Linux guest needs an interrupt controller; "
                        + "set interrupt_mode = \"emulated\"");
            }
            deviceTreeBlob = deviceTree.write();
            writeDeviceTree();
        }
    }

    private boolean hasInterruptController() {
        return archVm.hasInKernelIrqchip() || userSpacePlic != null;
    }

    /** Why {@link #deviceTree()} is empty. */
    public String deviceTreeProblem() {
        return deviceTreeProblem;
    }

    /** The device tree of this VM, from the VM itself (see {@link DeviceTreeGenerator}). */
    private Fdt generateDeviceTree() {
        long[] ids = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            ids[i] = slots[i].archId;
        }
        return DeviceTreeGenerator.generate(new DeviceTreeGenerator.Inputs(arch, config.kernel().memoryRegions(), ids,
                archVm.platformFacts(), devices.mmioDevices(), Optional.ofNullable(userSpacePlic),
                config.kernel().cmdline().orElse(""), loaded.initrd()));
    }

    private void writeDeviceTree() {
        if (deviceTreeBlob.length > ImageLoader.MAX_DTB) {
            throw new VmBuildException("the generated device tree takes " + deviceTreeBlob.length
                    + " bytes, more than the 2 MiB reserved for it");
        }
        addrSpace.write(loaded.dtb().getAsLong(), deviceTreeBlob, 0, deviceTreeBlob.length);
    }

    /** The device tree that describes this VM (aarch64, riscv64), whether or not its guest gets it. */
    public Optional<Fdt> deviceTree() {
        return Optional.ofNullable(deviceTree);
    }

    /** Whether the guest gets the generated tree (and where): a Linux Image, or dtb_load_addr without dtb_path. */
    public OptionalLong generatedTreeAddress() {
        return loaded != null && loaded.generateDtb() ? loaded.dtb() : OptionalLong.empty();
    }

    // ---- rebooting --------------------------------------------------------------------------

    /**
     * Rebuilds the hardware for a reboot, with every vCPU out of the guest: the hypervisor's VM and
     * vCPUs anew, fresh RAM (the HAL hands back pages the guest never touched, instead of zeroing
     * the old), the images reloaded, the boot vCPU set up again. Devices and the address space's
     * other mappings survive. Every block and hardware VM acquired is recorded as it is acquired,
     * so a failure part way leaves nothing that {@link #release} would not return.
     */
    public void rebuild() {
        ArchVm old = archVm;
        archVm = null;
        interrupts.retarget(null);
        doorbells.stop();
        old.close();
        resetDevices();
        List<MemoryRegion> regions = config.kernel().memoryRegions();
        for (int i = 0; i < regions.size(); i++) {
            addrSpace.unmap(GuestPhysAddr.of(regions.get(i).gpa()), regions.get(i).size());
        }
        List<GuestRamBlock> freed = List.copyOf(ramBlocks);
        ramBlocks.clear();
        for (GuestRamBlock block : freed) {
            hal.freeGuestRam(block);
        }
        allocateRam();
        boolean restored = loaded == null;
        loaded = images.load(addrSpace);
        bspEntry = loaded.entry();
        bootArgument = arch.equals("x86_64") ? 0 : loaded.dtb().orElse(0);
        enterX86Linux(false);
        if (deviceTreeBlob != null) {
            writeDeviceTree(); // the same tree: the same RAM, vCPUs and devices as at the first boot
        } else if (restored) {
            describeInDeviceTree(); // the first boot of a VM restored from a snapshot: its images' first load
        }
        ArchVm fresh = createArchVm();
        archVm = fresh;
        registerRam(fresh);
        interrupts.retarget(fresh);
        if (userSpacePlic != null) {
            userSpacePlic.reset();
        }
        for (VcpuSlot s : slots) {
            AxVCpu<AxArchVCpu> old1 = s.vcpu;
            s.vcpu = new AxVCpu<>(id, s.id, old1.favorPhysCpu(), old1.physCpuSet(),
                    fresh.createVcpu(new VCpuCreateConfig(id, s.id, s.archId)));
        }
        setUpBsp(slots[0].vcpu);
        setUpSecondariesStartedByTheHypervisor(fresh);
        doorbells.start(fresh, virtioDevices());
    }

    // ---- teardown ---------------------------------------------------------------------------

    /**
     * Returns everything: the hardware VM and its vCPUs, guest RAM to the HAL, the nested page
     * tables, the console pump. Each step runs even when an earlier one failed (recorded in
     * {@code teardown}). Call it once no thread holds a vCPU.
     */
    public void release(Teardown teardown) {
        teardown.run(doorbells::stop);
        ArchVm vm = archVm;
        archVm = null;
        if (vm != null) {
            teardown.run(vm::close);
        }
        teardown.run(this::resetDevices);
        List<BaseDeviceOps<?>> closing = List.copyOf(ownedDevices);
        ownedDevices.clear();
        for (BaseDeviceOps<?> d : closing) {
            if (d instanceof AutoCloseable c) {
                teardown.run(() -> {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("closing device '" + d.name() + "': " + e.getMessage(), e);
                    }
                });
            }
        }
        List<GuestRamBlock> blocks = List.copyOf(ramBlocks);
        ramBlocks.clear();
        for (GuestRamBlock block : blocks) {
            teardown.run(() -> hal.freeGuestRam(block));
        }
        teardown.run(addrSpace::close);
        teardown.run(consolePump::close);
    }

    // ---- what the VM reads ------------------------------------------------------------------

    public String architecture() {
        return arch;
    }

    public AddrSpace<P> addrSpace() {
        return addrSpace;
    }

    public AxVmDevices devices() {
        return devices;
    }

    public InterruptRouter interrupts() {
        return interrupts;
    }

    /** Asks the HAL to map RAM block {@code index} from {@code file} at {@code offset}, copy-on-write; false when it cannot. */
    boolean mapRamFromFile(int index, java.nio.file.Path file, long offset) {
        return hal.mapGuestRamFromFile(ramBlocks.get(index), file, offset);
    }

    /** Where RAM block {@code index} sits in the guest. */
    public long ramGpa(int index) {
        return config.kernel().memoryRegions().get(index).gpa();
    }

    /** Whether the guest can write RAM block {@code index} (read-only blocks change only by the host). */
    public boolean ramWritable(int index) {
        return flags(config.kernel().memoryRegions().get(index)).has(MappingFlags.WRITE_BIT);
    }

    /** The RAM blocks, one per config memory region, in the config's order. */
    public List<GuestRamBlock> ramBlocks() {
        return List.copyOf(ramBlocks);
    }

    /** The VM's config. */
    public AxVMConfig config() {
        return config;
    }

    /** The hardware VM (null between the close of the old one and the new one during a reboot, and after release). */
    public ArchVm archVm() {
        return archVm;
    }

    public VcpuSlot[] slots() {
        return slots;
    }

    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    public long bspEntry() {
        return bspEntry;
    }

    public EntryMode bspMode() {
        return bspMode;
    }

    public ImageLoader images() {
        return images;
    }

    /** Whether the hypervisor starts secondary vCPUs itself (then every vCPU runs from boot). */
    public boolean hypervisorStartsSecondaries() {
        ArchVm vm = archVm;
        return vm != null && vm.startsSecondaryVcpus();
    }
}
