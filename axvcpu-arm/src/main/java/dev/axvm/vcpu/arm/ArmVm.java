package dev.axvm.vcpu.arm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmCapability;
import dev.axvm.kvm.KvmDoorbell;
import dev.axvm.kvm.KvmException;
import dev.axvm.kvm.KvmVcpu;
import dev.axvm.kvm.KvmVm;
import dev.axvm.kvm.internal.Errno;
import dev.axvm.kvm.internal.Shim;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.arm.internal.ArmShim;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.spi.Doorbell;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import dev.axvm.vcpu.spi.Teardown;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An aarch64 VM on KVM: memory slots, vCPUs (PSCI 0.2, MPIDR by index), optionally the in-kernel
 * vGICv3, and AxVM's hypercall doorbell. Closing it closes its vCPUs, the vGIC, the VM and the KVM
 * handle it opened.
 *
 * <h2>Secondary vCPUs and PSCI CPU_ON</h2>
 * Every vCPU but index 0 is created powered off. Who starts it depends on the host kernel:
 * <ul>
 *   <li>{@link #cpuOnForwarded()} false (Linux before 6.4, e.g. Debian 12's 6.1): KVM serves
 *       PSCI CPU_ON itself and never tells user space. The VM must create <em>every</em> vCPU
 *       before the first runs and give each its own thread from boot: a secondary's
 *       {@link ArmVCpu#run} blocks inside KVM until the guest powers it on, then runs it at the
 *       requested entry with x0 = the context id. No {@code CpuUp} is reported (KVM has consumed
 *       the call); {@link ArmVCpu#poweredOn()} tells whether it has started. CPU_OFF likewise
 *       parks the vCPU inside KVM; a kick makes {@code run} return {@code Nothing}.
 *   <li>{@link #cpuOnForwarded()} true (Linux 6.4+, KVM_ARM_VM_SMCCC_FILTER): AxVM asks KVM to
 *       forward CPU_ON and CPU_OFF, so the caller's {@code run} returns
 *       {@code CpuUp(target MPIDR, entry, context)} and {@code CpuDown}, as in AxVisor. The VM
 *       starts the target with {@link ArmVCpu#powerOn(long, long)} (or {@code setEntry} and
 *       {@code setGpr(0, context)}) and runs it, then answers the caller with
 *       {@code setReturnValue(PSCI_SUCCESS)}.
 * </ul>
 * SYSTEM_OFF and SYSTEM_RESET always reach user space ({@code SystemDown}); KVM then stops every
 * vCPU of the VM, so the VM kicks the other vCPU threads out of {@code run}.
 */
public final class ArmVm implements ArchVm {
    private final int vmId;
    private final int vcpuCount;
    private final Kvm kvm;
    private final KvmVm vm;
    private final ArmVmLayout layout;
    private final int vgicFd;
    private final boolean smcccFilter;
    private final List<ArmVCpu> vcpus = new ArrayList<>();
    private final Object irqchipLock = new Object();
    private volatile boolean irqchipReady;
    private boolean closed;

    private ArmVm(int vmId, int vcpuCount, Kvm kvm, KvmVm vm, ArmVmLayout layout, int vgicFd, boolean smcccFilter) {
        this.vmId = vmId;
        this.vcpuCount = vcpuCount;
        this.kvm = kvm;
        this.vm = vm;
        this.layout = layout;
        this.vgicFd = vgicFd;
        this.smcccFilter = smcccFilter;
        this.irqchipReady = vgicFd < 0;
    }

    /** Creates a VM with {@link ArmVmLayout#QEMU_VIRT} on {@link Kvm#DEFAULT_DEVICE}. */
    public static ArmVm create(ArchVmConfig config) {
        return create(config, ArmVmLayout.QEMU_VIRT);
    }

    /**
     * Creates a VM with {@code layout}: the vGICv3 at its addresses when the config asks for an
     * in-kernel irqchip, and CPU_ON, CPU_OFF and AxVisor's HVC hypercalls forwarded to user space
     * where KVM can do that.
     *
     * @throws HardwareUnsupportedException when KVM lacks PSCI 0.2, ONE_REG or (when asked for) the vGICv3
     */
    public static ArmVm create(ArchVmConfig config, ArmVmLayout layout) {
        config.requireNoParavirtOff("aarch64");
        if (config.vcpuCount() > layout.maxVcpus()) {
            throw new IllegalArgumentException("VM " + config.vmId() + ": " + config.vcpuCount()
                    + " vCPUs do not fit the redistributor window of " + layout.maxVcpus());
        }
        Kvm kvm = Kvm.open();
        KvmVm vm = null;
        int vgic = -1;
        try {
            for (KvmCapability cap : ArmPerCpu.REQUIRED) {
                if (!kvm.has(cap)) {
                    throw new HardwareUnsupportedException("KVM on this host lacks " + cap + ", which aarch64 guests need", null);
                }
            }
            vm = kvm.createVm();
            int max = vm.checkExtension(KvmCapability.MAX_VCPUS);
            if (config.vcpuCount() > max) {
                throw new HardwareUnsupportedException("VM " + config.vmId() + ": KVM allows " + max + " vCPUs, the config asks for "
                        + config.vcpuCount(), null);
            }
            boolean filter = Shim.check(ArmShim.smcccFilterAvailable(vm.fd()), "KVM_HAS_DEVICE_ATTR(SMCCC filter)") == 1;
            if (filter) {
                forward(vm, 0, ArmPlatform.HYPERCALL_FUNCTION_COUNT);
                forward(vm, ArmPlatform.PSCI_CPU_ON_32, 1);
                forward(vm, ArmPlatform.PSCI_CPU_ON_64, 1);
                forward(vm, ArmPlatform.PSCI_CPU_OFF, 1);
            }
            if (config.inKernelIrqchip()) {
                int rc = ArmShim.vgicCreate(vm.fd(), layout.gicDistributor(), layout.gicRedistributor(), layout.interruptCount());
                if (rc < 0) {
                    throw new HardwareUnsupportedException(String.format(
                            "KVM_CREATE_DEVICE(vGICv3, distributor 0x%x, redistributors 0x%x, %d interrupts) failed: %s; "
                                    + "an in-kernel vGICv3 needs a GICv3 host", layout.gicDistributor(),
                            layout.gicRedistributor(), layout.interruptCount(), Errno.describe(-rc)), null);
                }
                vgic = rc;
            }
            return new ArmVm(config.vmId(), config.vcpuCount(), kvm, vm, layout, vgic, filter);
        } catch (RuntimeException e) {
            if (vgic >= 0) {
                Shim.close(vgic);
            }
            if (vm != null) {
                vm.close();
            }
            kvm.close();
            throw e;
        }
    }

    private static void forward(KvmVm vm, int base, int count) {
        Shim.check(ArmShim.smcccForward(vm.fd(), base, count),
                String.format("KVM_ARM_VM_SMCCC_FILTER(forward 0x%x, %d functions)", base, count));
    }

    /** The VM's id. */
    public int vmId() {
        return vmId;
    }

    /** The layout the VM was created with. */
    public ArmVmLayout layout() {
        return layout;
    }

    /**
     * Whether KVM forwards PSCI CPU_ON/CPU_OFF and AxVisor's HVC hypercalls (x0 in 0..0xffff) to
     * user space (Linux 6.4+, KVM_ARM_VM_SMCCC_FILTER). When false, KVM serves CPU_ON itself and
     * answers every other HVC with NOT_SUPPORTED (-1); hypercalls then go through the doorbell.
     */
    public boolean cpuOnForwarded() {
        return smcccFilter;
    }

    /** Same as {@link #cpuOnForwarded()}: both come with KVM's SMCCC filter. */
    public boolean hvcHypercallsForwarded() {
        return smcccFilter;
    }

    /** A one-line report of what this VM's KVM offers for calls from the guest. */
    public String callCapabilities() {
        return smcccFilter
                ? "SMCCC filter present: PSCI CPU_ON/CPU_OFF and HVC hypercalls 0..0xffff reach the VMM; "
                        + "the hypercall doorbell works too"
                : "no SMCCC filter (Linux < 6.4): KVM serves PSCI CPU_ON/CPU_OFF itself (no CpuUp/CpuDown) and answers "
                        + "HVC hypercalls with NOT_SUPPORTED (-1); hypercalls reach the VMM through the doorbell at 0x"
                        + Long.toHexString(layout.hypercallDoorbell());
    }

    KvmVm kvmVm() {
        return vm;
    }

    @Override
    public void mapRam(long gpa, MemorySegment host, MappingFlags flags) {
        vm.mapMemory(gpa, host, !flags.has(MappingFlags.WRITE_BIT));
    }

    @Override
    public void unmapRam(long gpa) {
        vm.unmapMemory(gpa);
    }

    /** KVM_MEM_LOG_DIRTY_PAGES on the RAM's memory slot. */
    @Override
    public void logDirtyPages(long gpa, boolean on) {
        vm.logDirtyPages(gpa, on);
    }

    /** KVM_GET_DIRTY_LOG of the RAM's memory slot. */
    @Override
    public long[] dirtyPages(long gpa) {
        return vm.dirtyPages(gpa);
    }

    /**
     * Creates vCPU {@code config.vcpuId()} (0 boots, every other starts powered off). Its MPIDR is
     * KVM's for that index, {@link ArmPlatform#mpidrOf(int)}; {@code config.archId()} must name
     * the same affinity, because KVM's in-kernel PSCI resets a started vCPU to that MPIDR.
     *
     * @throws IllegalArgumentException for an index outside the VM or another MPIDR
     * @throws IllegalStateException once a vCPU has run with the vGIC (KVM then refuses new vCPUs)
     */
    @Override
    public synchronized ArmVCpu createVcpu(VCpuCreateConfig config) {
        if (closed) {
            throw new IllegalStateException("VM " + vmId + " is closed");
        }
        int index = config.vcpuId();
        if (index >= vcpuCount) {
            throw new IllegalArgumentException("VM " + vmId + ": vCPU " + index + " is outside the " + vcpuCount
                    + " vCPUs it was created for");
        }
        long mpidr = ArmPlatform.mpidrOf(index);
        if (ArmPlatform.affinity(config.archId()) != ArmPlatform.affinity(mpidr)) {
            throw new IllegalArgumentException(String.format(
                    "VM %d vCPU %d: MPIDR 0x%x is not KVM's for this index; use 0x%x (ArmPlatform.mpidrOf)", vmId, index,
                    config.archId(), mpidr));
        }
        if (irqchipReady && vgicFd >= 0) {
            throw new IllegalStateException("VM " + vmId + ": vCPU " + index
                    + " comes too late: the vGIC is initialised (a vCPU ran or a line was raised); create every vCPU first");
        }
        KvmVcpu kvmVcpu = vm.createVcpu(index);
        ArmVCpu vcpu;
        try {
            vcpu = new ArmVCpu(this, kvmVcpu, config, index != 0);
        } catch (RuntimeException e) {
            kvmVcpu.close();
            throw e;
        }
        vcpus.add(vcpu);
        return vcpu;
    }

    /**
     * Initialises the vGIC once every vCPU exists (KVM_DEV_ARM_VGIC_CTRL_INIT). Called before the
     * first run and the first interrupt; a cheap volatile read afterwards.
     */
    void ensureIrqchipReady() {
        if (irqchipReady) {
            return;
        }
        synchronized (irqchipLock) {
            if (!irqchipReady) {
                Shim.check(ArmShim.vgicInit(vgicFd), "KVM_DEV_ARM_VGIC_CTRL_INIT (VM " + vmId + ")");
                irqchipReady = true;
            }
        }
    }

    /**
     * Drives shared peripheral interrupt {@code line} (INTID 32 + line) of the vGIC: level
     * semantics, so a level-triggered device raises it until the guest has served it. Any thread.
     *
     * @throws UnsupportedOperationException when the VM has no vGIC
     * @throws IllegalArgumentException for a line the vGIC does not implement
     */
    /** KVM's ioeventfd; throws {@code KvmException} when the kernel refuses one (the VM then takes the exit). */
    @Override
    public Optional<Doorbell> doorbell(long gpa, int length) {
        KvmDoorbell d = KvmDoorbell.open(vm, gpa, length);
        return Optional.of(Doorbell.of(d::await, d::stop, d::close));
    }

    @Override
    public void setIrqLine(int line, boolean high) {
        if (vgicFd < 0) {
            throw new UnsupportedOperationException("VM " + vmId + " has no in-kernel vGICv3 (created without irqchip)");
        }
        int spi = line - ArmPlatform.FIRST_SPI_INTID;
        if (spi < 0 || spi >= layout.spiCount()) {
            throw new IllegalArgumentException("VM " + vmId + ": INTID " + line + " is not one of the vGIC's SPIs ("
                    + ArmPlatform.FIRST_SPI_INTID + ".." + (ArmPlatform.FIRST_SPI_INTID + layout.spiCount() - 1) + ")");
        }
        raise(ArmShim.IRQ_SPI, 0, line, high);
    }

    // ---- snapshot state ---------------------------------------------------------------------

    private static final int STATE_VERSION = 1;

    /**
     * Encoding 1: the version byte; without a vGIC nothing more (each vCPU's timer is in its own
     * registers). With one: the interrupt count, the vCPU count, and the vGIC's state as the shim
     * flattens it (distributor, each redistributor and CPU interface, the input line levels) as a
     * count of 64-bit words and the words. Call it with every vCPU out of {@code run}: KVM
     * refuses to touch the vGIC while one is inside.
     */
    @Override
    public synchronized byte[] saveState() {
        StateWriter w = new StateWriter(STATE_VERSION);
        if (vgicFd < 0) {
            return w.toByteArray();
        }
        ensureIrqchipReady();
        int nrIrqs = layout.interruptCount();
        try (Arena a = Arena.ofConfined()) {
            int n = Shim.check(ArmShim.vgicStateWords(nrIrqs, vcpus.size()), "vGIC state size");
            MemorySegment words = a.allocate(8L * n, 8);
            Shim.check(ArmShim.vgicSave(vgicFd, nrIrqs, vcpus.size(), mpidrs(a), words),
                    "KVM_GET_DEVICE_ATTR(vGICv3 state, VM " + vmId + ")");
            w.putInt(nrIrqs).putInt(vcpus.size()).putInt(n);
            for (long word : words.toArray(JAVA_LONG)) {
                w.putLong(word);
            }
        }
        return w.toByteArray();
    }

    /**
     * Puts back what {@link #saveState} gave, after every vCPU is created and before any runs: the
     * vGIC is initialised first (KVM takes its registers only then). A state of another vGIC
     * shape is refused before KVM is touched.
     */
    @Override
    public synchronized void restoreState(byte[] state) {
        String what = "aarch64 VM " + vmId + " state";
        StateReader r = new StateReader(what, state, STATE_VERSION);
        if (vgicFd < 0) {
            r.end();
            return;
        }
        int nrIrqs = r.getInt("vGIC interrupt count");
        int cpus = r.getInt("vGIC vCPU count");
        if (nrIrqs != layout.interruptCount() || cpus != vcpus.size()) {
            throw r.refused("a vGIC of " + nrIrqs + " interrupts and " + cpus + " vCPUs; this VM's has "
                    + layout.interruptCount() + " and " + vcpus.size());
        }
        int expected = Shim.check(ArmShim.vgicStateWords(nrIrqs, cpus), "vGIC state size");
        int n = r.getCount("vGIC word count", expected);
        if (n != expected) {
            throw r.refused("vGIC word count " + n + "; a vGIC of this shape has " + expected);
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = r.getLong("vGIC word " + i);
        }
        r.end();
        ensureIrqchipReady();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment words = a.allocateFrom(JAVA_LONG, values);
            int rc = ArmShim.vgicRestore(vgicFd, nrIrqs, cpus, mpidrs(a), words);
            if (rc < 0) {
                throw new IllegalArgumentException(what + ": "
                        + new KvmException("KVM_SET_DEVICE_ATTR(vGICv3 state)", -rc).getMessage());
            }
        }
    }

    private MemorySegment mpidrs(Arena a) {
        long[] m = new long[vcpus.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = vcpus.get(i).mpidr();
        }
        return a.allocateFrom(JAVA_LONG, m);
    }

    /** Where KVM serves PSCI CPU_ON itself (Linux before 6.4), it also starts secondary vCPUs itself. */
    @Override
    public boolean startsSecondaryVcpus() {
        return !cpuOnForwarded();
    }

    /** The MPIDR KVM gives vCPU {@code vcpuId}. */
    @Override
    public long archIdOf(int vcpuId) {
        return ArmPlatform.mpidrOf(vcpuId);
    }

    /** Drives an interrupt line; dropped when the VM is closing (a device thread racing the close). */
    void raise(int type, int vcpuIndex, int intid, boolean high) {
        int fd = vm.beginUse();
        if (fd < 0) {
            return;
        }
        try {
            ensureIrqchipReady();
            int rc = ArmShim.irqLine(fd, type, vcpuIndex, intid, high ? 1 : 0);
            if (rc < 0) {
                throw new KvmException("KVM_IRQ_LINE(INTID " + intid + ")", -rc); // message only on failure: lines toggle often
            }
        } finally {
            vm.endUse();
        }
    }

    @Override
    public boolean hasInKernelIrqchip() {
        return vgicFd >= 0;
    }

    /** Interrupts the vGIC implements (0 without one). */
    public int interruptCount() {
        return vgicFd >= 0 ? layout.interruptCount() : 0;
    }

    boolean isDoorbell(long gpa) {
        return layout.isDoorbell(gpa);
    }

    /** The vGICv3's place; {@link PlatformFacts.None} for a VM without one. */
    @Override
    public PlatformFacts platformFacts() {
        if (vgicFd < 0) {
            return new PlatformFacts.None();
        }
        return new PlatformFacts.Arm(layout.gicDistributor(), ArmPlatform.GICD_SIZE, layout.gicRedistributor(),
                ArmPlatform.GICR_STRIDE, layout.interruptCount());
    }

    @Override
    public Map<String, GuestPhysAddrRange> reservedRanges() {
        Map<String, GuestPhysAddrRange> r = new LinkedHashMap<>();
        if (vgicFd >= 0) {
            r.put("GICv3 distributor", new GuestPhysAddrRange(layout.gicDistributor(), ArmPlatform.GICD_SIZE));
            r.put("GICv3 redistributors", new GuestPhysAddrRange(layout.gicRedistributor(),
                    vcpuCount * ArmPlatform.GICR_STRIDE));
        }
        r.put("AxVM hypercall doorbell", new GuestPhysAddrRange(layout.hypercallDoorbell(),
                ArmPlatform.HYPERCALL_DOORBELL_SIZE));
        return Collections.unmodifiableMap(r);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Teardown teardown = new Teardown();
        for (ArmVCpu v : vcpus) {
            teardown.run(v::close);
        }
        vcpus.clear();
        // The VM first: it waits for the interrupt lines in flight, which may still use the vGIC.
        teardown.run(vm::close);
        if (vgicFd >= 0) {
            teardown.run(() -> Shim.close(vgicFd));
        }
        teardown.run(kvm::close);
        teardown.finish("closing VM " + vmId);
    }
}
