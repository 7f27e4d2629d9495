package dev.axvm.vm;

import dev.axvm.addrspace.AddrSpace;
import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.addrspace.npt.PageTableFormat;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageKind;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.config.MemoryRegion;
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
import dev.axvm.device.VmControl;
import dev.axvm.device.irq.Plic;
import dev.axvm.device.irq.PrivilegeMode;
import dev.axvm.device.uart.SerialSink;
import dev.axvm.device.uart.SerialSource;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuSetupConfig;
import dev.axvm.vcpu.VCpuState;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchBackends;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vm.internal.BuiltinDevices;
import dev.axvm.vm.internal.ElfImage;
import dev.axvm.vm.internal.ImageLoader;
import dev.axvm.vm.internal.InterruptRouter;
import dev.axvm.vm.internal.VcpuSlot;
import dev.axvm.vm.internal.VmDeviceHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual machine (AxVisor's {@code AxVM}), built from an {@link AxVMConfig}: guest RAM from the
 * HAL mapped in its {@link AddrSpace} and registered with the hypervisor, images loaded, devices
 * created, vCPUs created through the architecture backend found at run time.
 *
 * <p>Lifecycle: {@link VmStatus#LOADED} after {@link #builder building}; {@link #boot()} makes it
 * {@link VmStatus#RUNNING}; each vCPU's host thread then calls {@link #runVcpu(int)} in a loop
 * (or runs a {@link VcpuRunner}, which does exactly that and handles the exits the way AxVisor's
 * app does). {@link #pause()}/{@link #resume()}, {@link #shutdown()}, {@link #reboot()} (which
 * AxVisor cannot), and {@link #close()}, which returns every fd, mapping and frame.
 *
 * <p>{@code runVcpu} handles MMIO, port I/O, system-register and nested-page-fault exits inside,
 * through the VM's devices and address space, and returns every other exit to its caller, as
 * AxVisor does. Interrupts can be injected into any vCPU from any thread.
 *
 * @param <H> the host's HAL
 * @param <P> the host's frame service
 */
public final class AxVM<H extends AxVMHal<P>, P extends PagingHandler> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AxVM.class);
    private static final long QUIESCE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long REKICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** PSCI's success, returned by {@link #startVcpu}. */
    public static final int START_OK = 0;
    /** PSCI's INVALID_PARAMETERS: no vCPU has that id. */
    public static final int START_INVALID = -2;
    /** PSCI's ALREADY_ON. */
    public static final int START_ALREADY_ON = -4;

    private final H hal;
    private final AxVMConfig config;
    private final int id;
    private final String arch;
    private final ArchBackend backend;
    private final AddrSpace<P> addrSpace;
    private final List<GuestRamBlock> ramBlocks = new ArrayList<>();
    private final AxVmDevices devices = new AxVmDevices();
    private final InterruptRouter interrupts;
    private final ImageLoader images;
    private final EntryMode bspMode;
    private final long bootArgument;
    private final boolean inKernelIrqchip;
    private final List<String> notes = new ArrayList<>();
    private final VcpuSlot[] slots;
    private final Object lock = new Object();
    private final AtomicReference<StopCause> requestedStop = new AtomicReference<>();
    private volatile ArchVm archVm;
    private Plic userSpacePlic;
    private volatile VmStatus status = VmStatus.LOADING;
    private long bspEntry;
    private StopCause stopCause;
    private int activeRunners;
    private boolean closed;

    AxVM(AxVMBuilder<H, P> b) {
        this.hal = b.hal;
        this.config = b.config;
        this.id = (int) config.base().id();
        this.arch = architecture(config);
        this.backend = b.backend != null ? b.backend : findBackend(arch);
        if (!backend.architecture().equals(arch)) {
            throw new VmBuildException("the " + backend.architecture() + " backend cannot run a " + arch + " guest");
        }
        checkHostCapabilities();
        this.inKernelIrqchip = config.devices().interruptMode() != InterruptMode.NO_IRQ;
        this.bspMode = entryMode();
        this.bootArgument = arch.equals("x86_64") ? 0 : config.kernel().dtbLoadAddr().orElse(0);
        this.addrSpace = new AddrSpace<>(hal.pagingHandler(), pageTableFormat(arch), GuestPhysAddr.of(0),
                pageTableFormat(arch).gpaLimit());
        this.images = new ImageLoader(config, b.memoryImages, elfMachine(arch));
        this.slots = new VcpuSlot[config.base().cpuNum()];
        ArchVm created = null;
        try {
            allocateRam();
            bspEntry = images.load(addrSpace);
            created = createArchVm();
            this.archVm = created;
            this.interrupts = new InterruptRouter(id, created);
            registerRam(created);
            checkReservedRanges(created);
            addDevices(b);
            createVcpus(created);
        } catch (RuntimeException e) {
            release(created);
            throw e instanceof VmBuildException ? e : new VmBuildException("VM '" + config.base().name() + "': "
                    + e.getMessage(), e);
        }
        status = VmStatus.LOADED;
    }

    /** Starts building a VM from {@code config} on {@code hal}. */
    public static <H extends AxVMHal<P>, P extends PagingHandler> AxVMBuilder<H, P> builder(AxVMConfig config, H hal) {
        return new AxVMBuilder<>(config, hal);
    }

    // ---- building ---------------------------------------------------------------------------

    private static String architecture(AxVMConfig config) {
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

    private EntryMode entryMode() {
        return config.kernel().entryMode().map(m -> switch (m) {
            case REAL -> EntryMode.REAL;
            case PROTECTED -> EntryMode.PROTECTED;
            case LONG -> EntryMode.LONG;
        }).orElse(EntryMode.DEFAULT);
    }

    /**
     * What a user-space host cannot give is refused here, each entry named; x86's IOAPIC and LAPIC
     * "passed through" at their architectural addresses are what KVM's in-kernel irqchip emulates,
     * so those entries are accepted and served by it.
     */
    private void checkHostCapabilities() {
        List<String> refused = new ArrayList<>();
        if (config.base().vmType() == VmType.HOST_VM) {
            refused.add("base.vm_type = 0 (host VM): a user-space KVM host runs guests only");
        }
        List<PassthroughDeviceConfig> pt = config.devices().passthroughDevices();
        for (int i = 0; i < pt.size(); i++) {
            PassthroughDeviceConfig d = pt.get(i);
            if (arch.equals("x86_64") && d instanceof PassthroughDeviceConfig.Region r && r.isX86InterruptController()) {
                notes.add("devices.passthrough_devices[" + i + "] '" + r.name() + "' is served by KVM's in-kernel irqchip");
                continue;
            }
            refused.add("devices.passthrough_devices[" + i + "] '" + d.name()
                    + "': a user-space host cannot pass a host device through; emulate it in emu_devices or remove it");
        }
        List<PassthroughAddressConfig> addrs = config.devices().passthroughAddresses();
        for (int i = 0; i < addrs.size(); i++) {
            refused.add("devices.passthrough_addresses[" + i + "]: a user-space host cannot pass host memory through");
        }
        if (!refused.isEmpty()) {
            throw new VmBuildException(config.origin().sourceName() + ": " + String.join("; ", refused));
        }
    }

    private boolean needsIrqchipForPassthrough() {
        return config.devices().passthroughDevices().stream().anyMatch(
                d -> d instanceof PassthroughDeviceConfig.Region r && r.isX86InterruptController());
    }

    private ArchVm createArchVm() {
        try {
            return backend.createVm(new ArchVmConfig(id, config.base().cpuNum(), inKernelIrqchip || needsIrqchipForPassthrough()));
        } catch (HardwareUnsupportedException e) {
            throw new VmBuildException("VM '" + config.base().name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * MapAlloc and MapIdentical regions become ordinary RAM blocks from the HAL, mapped in the
     * address space; a user-space host cannot map host-physical memory identically, so MapIdentical
     * gets RAM at the same GPA (what the guest needs) and a note. MapReserved asks for host memory
     * itself and is refused.
     */
    private void allocateRam() {
        List<MemoryRegion> regions = config.kernel().memoryRegions();
        for (int i = 0; i < regions.size(); i++) {
            MemoryRegion r = regions.get(i);
            String name = String.format("kernel.memory_regions[%d] [0x%x, 0x%x)", i, r.gpa(), r.gpa() + r.size());
            if (r.mapType() == MapType.MAP_RESERVED) {
                throw new VmBuildException(name + ": MapReserved maps host-physical memory into the guest, which a "
                        + "user-space host cannot do; use map_type 0 (MapAlloc)");
            }
            if (r.mapType() == MapType.MAP_IDENTICAL && status == VmStatus.LOADING && archVm == null) {
                notes.add(name + ": MapIdentical gets ordinary RAM at the same guest-physical address");
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

    private void addDevices(AxVMBuilder<H, P> b) {
        DeviceHookups hookups = new DeviceHookups(interrupts, new Control(), b.consoleOut, b.consoleIn);
        List<DeviceAddrRange> occupied = new ArrayList<>();
        for (MemoryRegion r : config.kernel().memoryRegions()) {
            occupied.add(new GuestPhysAddrRange(r.gpa(), r.size()));
        }
        occupied.addAll(archVm.reservedRanges().values());
        for (EmulatedDeviceConfig d : config.devices().emuDevices()) {
            BaseDeviceOps<?> device;
            try {
                device = EmulatedDeviceFactory.create(new EmulatedDeviceSpec(d.name(), d.baseGpa(), d.length(), d.irqId(),
                        d.emuType(), d.cfgList()), arch, hookups);
                devices.add(device);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                throw new VmBuildException(config.origin().locate("devices.emu_devices") + ": " + e.getMessage(), e);
            }
            occupied.add(device.addressRange());
        }
        for (BaseDeviceOps<?> extra : b.extraDevices) {
            devices.add(extra);
            occupied.add(extra.addressRange());
        }
        if (config.devices().builtinDevices()) {
            devices.addAll(BuiltinDevices.create(arch, hookups, occupied));
        }
        addUserSpaceInterruptController(occupied);
    }

    /**
     * RISC-V hosts without KVM's AIA: a PLIC in user space (QEMU virt's, at 0x0c00_0000) takes the
     * devices' lines and drives each hart's S-mode external interrupt through its vCPU.
     */
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

    private void createVcpus(ArchVm vm) {
        for (int i = 0; i < slots.length; i++) {
            // A config's phys_cpu_ids name the host CPUs AxVisor pins vCPUs to; the guest-visible id is the backend's.
            long archId = vm.archIdOf(i);
            long mask = config.base().physCpuSets().size() > i ? config.base().physCpuSets().get(i) : 0;
            int favor = mask == 0 ? -1 : Long.numberOfTrailingZeros(mask);
            AxVCpu<AxArchVCpu> vcpu = new AxVCpu<>(id, i, favor, mask, vm.createVcpu(new VCpuCreateConfig(id, i, archId)));
            int vcpuId = i;
            VmDeviceHandler handler = new VmDeviceHandler(devices, addrSpace, new DeviceContext(id, i, addrSpace),
                    config.devices().unhandledAccess() == UnhandledAccess.STOP,
                    what -> requestStop(new StopCause(StopCause.Kind.UNHANDLED_ACCESS, 1, "vCPU " + vcpuId + ": " + what)));
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
        for (int i = 1; i < slots.length; i++) {
            slots[i].vcpu.setup(GuestPhysAddr.of(bspEntry), addrSpace.pageTableRoot(), setupConfig(bspMode, bootArgument));
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

    private VCpuSetupConfig setupConfig(EntryMode mode, long argument) {
        return new VCpuSetupConfig(mode, argument, addrSpace, 0);
    }

    // ---- identity ---------------------------------------------------------------------------

    /** The VM's id ({@code base.id}). */
    public int id() {
        return id;
    }

    /** The VM's name ({@code base.name}). */
    public String name() {
        return config.base().name();
    }

    /** The config it was built from. */
    public AxVMConfig config() {
        return config;
    }

    /** The guest architecture: x86_64, aarch64 or riscv64. */
    public String architecture() {
        return arch;
    }

    /** The HAL it runs on. */
    public H hal() {
        return hal;
    }

    /** The guest-physical address space: the single source of truth for the guest's memory map. */
    public AddrSpace<P> addrSpace() {
        return addrSpace;
    }

    /** Its devices (an embedder may add more before {@link #boot()}). */
    public AxVmDevices devices() {
        return devices;
    }

    /** Whether interrupts go through the hypervisor's in-kernel interrupt controller. */
    public boolean hasInKernelIrqchip() {
        return archVm.hasInKernelIrqchip();
    }

    /** Notes from building: what the host provides differently from the config's wording. */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    /** How many vCPUs it has. */
    public int vcpuCount() {
        return slots.length;
    }

    /** vCPU {@code vcpuId} (replaced by a reboot: fetch it again after one). */
    public AxVCpu<AxArchVCpu> vcpu(int vcpuId) {
        return slot(vcpuId).vcpu;
    }

    /** The boot vCPU's entry: the config's entry point, or an ELF kernel's. */
    public GuestPhysAddr entryPoint() {
        return GuestPhysAddr.of(bspEntry);
    }

    /** The current status. */
    public VmStatus status() {
        return status;
    }

    /** Why it stopped, once {@link VmStatus#STOPPING} or {@link VmStatus#STOPPED}. */
    public StopCause stopCause() {
        synchronized (lock) {
            return stopCause;
        }
    }

    private VcpuSlot slot(int vcpuId) {
        if (vcpuId < 0 || vcpuId >= slots.length) {
            throw new IllegalArgumentException("VM " + id + " has vCPUs 0.." + (slots.length - 1) + ", not " + vcpuId);
        }
        return slots[vcpuId];
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /** Loaded → Running: the boot vCPU may run; the others wait for the guest to start them. */
    public void boot() {
        synchronized (lock) {
            if (status != VmStatus.LOADED) {
                throw new IllegalStateException("VM " + id + " cannot boot from " + status);
            }
            for (VcpuSlot s : slots) {
                s.started = s.id == 0 || archVm.startsSecondaryVcpus();
            }
            status = VmStatus.RUNNING;
            lock.notifyAll();
        }
    }

    /** Running → Suspended: every vCPU leaves the guest and waits inside {@link #runVcpu}. */
    public void pause() {
        synchronized (lock) {
            if (status != VmStatus.RUNNING) {
                throw new IllegalStateException("VM " + id + " cannot pause from " + status);
            }
            status = VmStatus.SUSPENDED;
        }
        kickAll();
    }

    /** Suspended → Running. */
    public void resume() {
        synchronized (lock) {
            if (status != VmStatus.SUSPENDED) {
                throw new IllegalStateException("VM " + id + " cannot resume from " + status);
            }
            status = VmStatus.RUNNING;
            lock.notifyAll();
        }
    }

    /** Stops the VM at the host's request. */
    public void shutdown() {
        stop(new StopCause(StopCause.Kind.HOST_REQUEST, 0, "shut down by the host"));
    }

    /**
     * Stops the VM for {@code cause} (the first cause wins): every vCPU leaves the guest and its
     * {@code runVcpu} returns; the status becomes Stopped once no thread is inside {@code runVcpu}.
     */
    public void stop(StopCause cause) {
        Objects.requireNonNull(cause, "cause");
        synchronized (lock) {
            if (status == VmStatus.STOPPED || status == VmStatus.STOPPING) {
                return;
            }
            stopCause = cause;
            status = activeRunners == 0 ? VmStatus.STOPPED : VmStatus.STOPPING;
            lock.notifyAll();
        }
        LOG.info("VM {} '{}' stopping: {}", id, name(), cause.detail());
        kickAll();
    }

    /** Waits until the VM is Stopped; false on timeout. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (status != VmStatus.STOPPED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * Restarts the guest from scratch: every vCPU leaves the guest, the hypervisor's VM and vCPUs
     * are rebuilt, RAM is zeroed, the images reloaded and the boot vCPU set up again; the other
     * vCPUs wait to be started as at the first boot. Threads inside {@link #runVcpu} carry on with
     * the new vCPUs. Called from any thread, typically a vCPU thread on {@code SystemDown(RESET)}.
     */
    public void reboot() {
        synchronized (lock) {
            if (status != VmStatus.RUNNING && status != VmStatus.SUSPENDED) {
                throw new IllegalStateException("VM " + id + " cannot reboot from " + status);
            }
            status = VmStatus.LOADING;
        }
        kickAll();
        awaitOutOfGuest();
        ArchVm fresh = null;
        try {
            archVm.close();
            // Fresh RAM instead of zeroing the old: the HAL hands back pages the guest has not touched.
            List<MemoryRegion> regions = config.kernel().memoryRegions();
            for (int i = 0; i < regions.size(); i++) {
                addrSpace.unmap(GuestPhysAddr.of(regions.get(i).gpa()), regions.get(i).size());
                hal.freeGuestRam(ramBlocks.get(i));
            }
            ramBlocks.clear();
            allocateRam();
            bspEntry = images.load(addrSpace);
            fresh = createArchVm();
            registerRam(fresh);
            archVm = fresh;
            interrupts.retarget(fresh);
            if (userSpacePlic != null) {
                userSpacePlic.reset();
            }
            for (VcpuSlot s : slots) {
                AxVCpu<AxArchVCpu> old = s.vcpu;
                s.vcpu = new AxVCpu<>(id, s.id, old.favorPhysCpu(), old.physCpuSet(),
                        fresh.createVcpu(new VCpuCreateConfig(id, s.id, s.archId)));
            }
            setUpBsp(slots[0].vcpu);
            setUpSecondariesStartedByTheHypervisor(fresh);
        } catch (RuntimeException e) {
            stop(StopCause.crash("reboot failed: " + e.getMessage()));
            throw e;
        }
        synchronized (lock) {
            requestedStop.set(null);
            for (VcpuSlot s : slots) {
                s.started = s.id == 0 || fresh.startsSecondaryVcpus();
                s.pendingStart = false;
                s.wakeup = false;
            }
            status = VmStatus.RUNNING;
            lock.notifyAll();
        }
        LOG.info("VM {} '{}' rebooted", id, name());
    }

    private void awaitOutOfGuest() {
        long deadline = System.nanoTime() + QUIESCE_TIMEOUT_NANOS;
        for (VcpuSlot s : slots) {
            long nextKick = System.nanoTime();
            while (s.inGuest) {
                // A kick queues a signal: repeat it now and then (a kick can land just before the
                // thread enters the guest), never on every turn, which fills the signal queue.
                long now = System.nanoTime();
                if (now - nextKick >= 0) {
                    s.vcpu.kick();
                    nextKick = now + REKICK_NANOS;
                }
                if (now > deadline) {
                    throw new IllegalStateException("vCPU " + s.id + " of VM " + id + " did not leave the guest within 10 s");
                }
                LockSupport.parkNanos(50_000);
            }
        }
    }

    private void kickAll() {
        for (VcpuSlot s : slots) {
            if (s != null && s.vcpu.state() != VCpuState.INVALID) {
                s.vcpu.kick();
            }
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** A device or the miss policy asks the VM to stop; the vCPUs leave the guest, and runVcpu reports it. */
    void requestStop(StopCause cause) {
        if (requestedStop.compareAndSet(null, cause)) {
            for (VcpuSlot s : slots) {
                s.vcpu.kick();
            }
        }
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * Runs vCPU {@code vcpuId} on the calling thread until an exit the caller must handle
     * (hypercalls, Halt, CpuUp, CpuDown, SystemDown, FailEntry, SendIpi, ...); device accesses and
     * nested page faults are handled inside. The first call binds the vCPU to the calling thread.
     * While the VM is suspended or rebooting, or the vCPU has not been started, the call waits.
     * Returns {@link ExitReason.Nothing} when the VM is stopping: the caller's loop should end.
     * A request from a device (power-off, debug exit, reset) or from the unhandled-access policy
     * comes back as {@link ExitReason.SystemDown}; {@link #pendingStopCause()} tells which.
     */
    public ExitReason runVcpu(int vcpuId) {
        VcpuSlot s = slot(vcpuId);
        synchronized (lock) {
            if (status == VmStatus.LOADED || status == VmStatus.LOADING && activeRunners == 0 && !anyStarted()) {
                throw new IllegalStateException("VM " + id + " is " + status + "; boot it first");
            }
            activeRunners++;
        }
        hal.vcpuThreadBound(id, vcpuId, true);
        try {
            for (;;) {
                if (!awaitRunnable(s)) {
                    return ExitReason.Nothing.INSTANCE;
                }
                AxVCpu<AxArchVCpu> vcpu = prepare(s);
                ExitReason exit;
                s.inGuest = true;
                try {
                    exit = vcpu.run(s.handler);
                } finally {
                    s.inGuest = false;
                }
                StopCause requested = requestedStop.get();
                if (requested != null) {
                    return requested.kind() == StopCause.Kind.RESET
                            ? new ExitReason.SystemDown(ExitReason.SystemDown.Reason.RESET)
                            : new ExitReason.SystemDown(requested.kind() == StopCause.Kind.POWER_OFF
                                    || requested.kind() == StopCause.Kind.GUEST_EXIT
                                    ? ExitReason.SystemDown.Reason.POWER_OFF : ExitReason.SystemDown.Reason.CRASH);
                }
                if (!(exit instanceof ExitReason.Nothing)) {
                    return exit;
                }
            }
        } finally {
            hal.vcpuThreadBound(id, vcpuId, false);
            synchronized (lock) {
                activeRunners--;
                if (activeRunners == 0 && status == VmStatus.STOPPING) {
                    status = VmStatus.STOPPED;
                }
                lock.notifyAll();
            }
        }
    }

    /** Guest accesses that no device served so far, over all vCPUs. */
    public long unhandledAccesses() {
        long n = 0;
        for (VcpuSlot s : slots) {
            n += s.handler.unhandledAccesses();
        }
        return n;
    }

    /** What a device or the unhandled-access policy asked for, if anything: the cause behind a SystemDown from runVcpu. */
    public StopCause pendingStopCause() {
        return requestedStop.get();
    }

    private boolean anyStarted() {
        for (VcpuSlot s : slots) {
            if (s.started) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the VM runs and this vCPU is started; false when the VM is stopping. */
    private boolean awaitRunnable(VcpuSlot s) {
        synchronized (lock) {
            for (;;) {
                if (status == VmStatus.STOPPING || status == VmStatus.STOPPED) {
                    return false;
                }
                if (status == VmStatus.RUNNING && s.started && requestedStop.get() == null) {
                    return true;
                }
                if (requestedStop.get() != null && status == VmStatus.RUNNING && s.started) {
                    return true; // let runVcpu report the request
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Binds the slot's vCPU to this thread and applies a pending start, on the vCPU's own thread. */
    private AxVCpu<AxArchVCpu> prepare(VcpuSlot s) {
        AxVCpu<AxArchVCpu> vcpu = s.vcpu;
        GuestPhysAddr entry = null;
        long arg = 0;
        synchronized (lock) {
            if (s.pendingStart) {
                entry = s.startEntry;
                arg = s.startArg;
                s.pendingStart = false;
            }
        }
        if (entry != null && vcpu.state() == VCpuState.CREATED) {
            vcpu.setup(entry, addrSpace.pageTableRoot(), setupConfig(bspMode, arg));
        } else if (entry != null) {
            // Restarted after CpuDown: the architecture vCPU takes a new initial state in place.
            vcpu.arch().setEntry(entry);
            vcpu.arch().setup(setupConfig(bspMode, arg));
        }
        if (vcpu.state() == VCpuState.FREE) {
            vcpu.bind();
        }
        return vcpu;
    }

    /**
     * Starts the vCPU whose architectural id is {@code targetArchId} at {@code entry} with
     * {@code arg} (the guest's CpuUp). Returns PSCI's codes: {@link #START_OK},
     * {@link #START_INVALID} for no such vCPU, {@link #START_ALREADY_ON}.
     */
    public int startVcpu(long targetArchId, GuestPhysAddr entry, long arg) {
        synchronized (lock) {
            for (VcpuSlot s : slots) {
                if (s.archId == targetArchId) {
                    if (s.started) {
                        return START_ALREADY_ON;
                    }
                    s.started = true;
                    s.pendingStart = true;
                    s.startEntry = entry;
                    s.startArg = arg;
                    lock.notifyAll();
                    return START_OK;
                }
            }
            return START_INVALID;
        }
    }

    /** The guest turned vCPU {@code vcpuId} off (CpuDown): its thread waits until it is started again. */
    public void stopVcpu(int vcpuId) {
        synchronized (lock) {
            slot(vcpuId).started = false;
        }
    }

    /** Whether vCPU {@code vcpuId} is started. */
    public boolean isStarted(int vcpuId) {
        synchronized (lock) {
            return slot(vcpuId).started;
        }
    }

    /**
     * After a Halt: waits until an interrupt is delivered to vCPU {@code vcpuId}, the VM stops,
     * pauses or reboots, or {@code timeoutNanos} pass. Returns whether an interrupt (or kick) arrived.
     */
    public boolean awaitInterrupt(int vcpuId, long timeoutNanos) {
        VcpuSlot s = slot(vcpuId);
        long deadline = hal.monotonicNanos() + timeoutNanos;
        synchronized (lock) {
            while (!s.wakeup && status == VmStatus.RUNNING && s.started) {
                long left = deadline - hal.monotonicNanos();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            boolean woken = s.wakeup;
            s.wakeup = false;
            return woken;
        }
    }

    // ---- interrupts -------------------------------------------------------------------------

    /** Injects interrupt {@code vector} into vCPU {@code vcpuId}, from any thread, through the HAL. */
    public void injectInterrupt(int vcpuId, int vector) {
        slot(vcpuId);
        hal.injectIrqToVcpu(this, vcpuId, vector);
    }

    /**
     * Delivers {@code vector} to vCPU {@code vcpuId}: queued in the vCPU until the guest can take
     * it, and the vCPU's thread woken if it waits after a Halt. The HAL's default
     * {@code injectIrqToVcpu} calls this.
     */
    public void deliverInterrupt(int vcpuId, int vector) {
        VcpuSlot s = slot(vcpuId);
        s.vcpu.injectInterrupt(vector);
        synchronized (lock) {
            s.wakeup = true;
            lock.notifyAll();
        }
    }

    /** Drives interrupt line {@code line} as a device would (through the in-kernel interrupt controller). */
    public void setIrqLine(int line, boolean level) {
        interrupts.setLine(line, level);
    }

    /** Wakes a vCPU waiting after a Halt without an interrupt (AxVisor's notify). */
    public void notifyVcpu(int vcpuId) {
        VcpuSlot s = slot(vcpuId);
        synchronized (lock) {
            s.wakeup = true;
            lock.notifyAll();
        }
    }

    // ---- teardown ---------------------------------------------------------------------------

    /**
     * Stops the VM if it runs, waits up to 10 s for its vCPU threads to leave, and releases every
     * fd, mapping and frame: the hypervisor's VM and vCPUs, guest RAM (back to the HAL) and the
     * nested page tables. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (status != VmStatus.STOPPED) {
            shutdown();
            try {
                if (!awaitStopped(QUIESCE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                    LOG.warn("VM {}: vCPU threads still inside runVcpu after 10 s; closing anyway", id);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        release(archVm);
    }

    private void release(ArchVm vm) {
        if (vm != null) {
            vm.close();
        }
        for (GuestRamBlock block : ramBlocks) {
            hal.freeGuestRam(block);
        }
        ramBlocks.clear();
        addrSpace.close();
    }

    /** The device-facing side of the VM: power-off, exit status, reset. */
    private final class Control implements VmControl {
        @Override
        public void powerOff() {
            requestStop(StopCause.powerOff("the guest powered off"));
        }

        @Override
        public void exit(int code) {
            requestStop(new StopCause(StopCause.Kind.GUEST_EXIT, code, "the guest exited with status " + code));
        }

        @Override
        public void reset() {
            requestStop(new StopCause(StopCause.Kind.RESET, 1, "the guest asked for a reset"));
        }
    }

    @Override
    public String toString() {
        return "VM " + id + " '" + name() + "' (" + arch + ", " + slots.length + " vCPUs, " + status + ")";
    }

    /** The image load address the config gives for {@code kind}, or -1. */
    public long loadAddress(ImageKind kind) {
        return images.loadAddr(kind).orElse(-1);
    }
}
