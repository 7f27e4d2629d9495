package dev.axvm.vcpu.arm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.kvm.KvmException;
import dev.axvm.kvm.KvmExit;
import dev.axvm.kvm.KvmVcpu;
import dev.axvm.kvm.internal.Shim;
import dev.axvm.vcpu.DeviceAccessHandler;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuException;
import dev.axvm.vcpu.VCpuSetupConfig;
import dev.axvm.vcpu.arm.internal.ArmShim;
import dev.axvm.vcpu.arm.internal.SmcccCall;
import dev.axvm.vcpu.spi.ExitLoopVCpu;
import dev.axvm.vcpu.spi.RegisterListState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An aarch64 vCPU on KVM (EL2 underneath). Created with {@code KVM_ARM_VCPU_INIT} on KVM's
 * preferred target with PSCI 0.2; registers go through {@code KVM_GET/SET_ONE_REG}. It starts in
 * EL1h with interrupts masked, PC at the entry and x0 = the boot argument (the DTB address), as
 * the arm64 boot protocol and AxVisor do.
 *
 * <p>Exits become {@link ExitReason}s:
 * <ul>
 *   <li>an access outside every memory slot: {@code MmioRead}/{@code MmioWrite}. KVM decodes the
 *       data abort itself and completes a load into the destination register (with the sign
 *       extension the instruction asks for) on the next run, so {@code MmioRead.reg()} is -1 and
 *       {@code signExtend()} false: the value handed back is the raw {@code width}-byte datum.
 *       (Measured: Linux 6.1 and 6.12 lose the sign extension of LDRSB/LDRSH/LDRSW from MMIO,
 *       masking the extended value back to the access width; see the module README.)
 *       Loads and stores without an instruction syndrome (LDP/STP, write-back addressing) cannot be
 *       emulated by KVM: they end in a {@link VCpuException} naming the PC.
 *   <li>a store to AxVM's hypercall doorbell ({@link ArmPlatform#HYPERCALL_DOORBELL}):
 *       {@code Hypercall(nr = x0, args = x1..x6)}; {@link #setReturnValue} writes x0.
 *   <li>PSCI SYSTEM_OFF / SYSTEM_RESET (KVM_EXIT_SYSTEM_EVENT): {@code SystemDown(POWER_OFF / RESET)}.
 *   <li>where KVM forwards them (see {@link ArmVm}): HVC hypercalls, {@code CpuUp}, {@code CpuDown}.
 * </ul>
 * KVM serves WFI, the timer, PSCI_VERSION/AFFINITY_INFO and (before Linux 6.4) CPU_ON/CPU_OFF
 * itself.
 */
public final class ArmVCpu extends ExitLoopVCpu {
    private static final int ERRNO_ENOSYS = 38;
    private static final int CALL_REGS = 7;

    private enum LastExit { NONE, MMIO_READ, CALL }

    private final ArmVm vm;
    private final KvmVcpu kvm;
    private final KvmExit exit;
    private final int vcpuId;
    private final int initFlags;
    private final long mpidr;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment words;
    private volatile boolean stopRequested;
    private LastExit lastExit = LastExit.NONE;
    private boolean powerOnPending;

    ArmVCpu(ArmVm vm, KvmVcpu kvm, VCpuCreateConfig config, boolean poweredOff) {
        super(GuestPhysAddr.of(ArmPlatform.KERNEL_LOAD));
        this.vm = vm;
        this.kvm = kvm;
        this.exit = kvm.exit();
        this.vcpuId = config.vcpuId();
        this.initFlags = poweredOff ? ArmShim.INIT_POWER_OFF : 0;
        this.words = arena.allocate(8L * (CALL_REGS + 1), 8);
        try {
            init();
            long want = ArmPlatform.mpidrOf(vcpuId);
            setRegister(ArmRegister.MPIDR_EL1, want);
            this.mpidr = getRegister(ArmRegister.MPIDR_EL1);
            if (ArmPlatform.affinity(mpidr) != ArmPlatform.affinity(want)) {
                throw new IllegalStateException(String.format("vCPU %d: KVM kept MPIDR 0x%x instead of 0x%x", vcpuId, mpidr, want));
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private void init() {
        Shim.check(ArmShim.vcpuInit(vm.kvmVm().fd(), kvm.fd(), initFlags), "KVM_ARM_VCPU_INIT(vCPU " + vcpuId + ")");
    }

    /** The vCPU's index in its VM. */
    public int vcpuId() {
        return vcpuId;
    }

    /** MPIDR_EL1 as KVM reports it (bit 31 set). */
    public long mpidr() {
        return mpidr;
    }

    /**
     * EL1h with D, A, I, F masked, PC at the entry, x0 = {@code config.bootArgument()} (the DTB
     * address; a secondary's context id). For a vCPU created powered off this is how the VM
     * starts it where KVM forwards CPU_ON; where KVM serves CPU_ON itself, KVM replaces PC and x0
     * when the guest starts it.
     *
     * @throws IllegalArgumentException for an entry mode other than {@link EntryMode#DEFAULT}
     */
    @Override
    public void setup(VCpuSetupConfig config) {
        if (config.mode() != EntryMode.DEFAULT) {
            throw new IllegalArgumentException("vCPU " + vcpuId + ": aarch64 starts in EL1h; entry mode " + config.mode()
                    + " is x86's");
        }
        setBootState(entry().value(), config.bootArgument());
        if (initFlags != 0 && vm.cpuOnForwarded()) {
            powerOnPending = true;
        }
    }

    private void setBootState(long pc, long x0) {
        setRegister(ArmRegister.PSTATE, ArmPlatform.ENTRY_PSTATE);
        setRegister(ArmRegister.PC, pc);
        setRegister(ArmRegister.X0, x0);
    }

    /**
     * Starts this powered-off vCPU at {@code entryPoint} with x0 = {@code context}, as the VM does
     * for a forwarded PSCI CPU_ON ({@code CpuUp}), also after the vCPU turned itself off: the vCPU
     * is first reset to its architectural state (MMU off, as PSCI promises). Call it on the thread
     * that will run the vCPU.
     *
     * @throws IllegalStateException where KVM serves CPU_ON itself ({@link ArmVm#cpuOnForwarded()} false)
     */
    public void powerOn(long entryPoint, long context) {
        if (!vm.cpuOnForwarded()) {
            throw new IllegalStateException("vCPU " + vcpuId + ": KVM serves PSCI CPU_ON itself on this host; the guest's "
                    + "CPU_ON starts this vCPU while its thread waits in run()");
        }
        init();
        setRegister(ArmRegister.MPIDR_EL1, mpidr);
        setEntry(GuestPhysAddr.of(entryPoint));
        setBootState(entryPoint, context);
        powerOnPending = true;
    }

    /**
     * Whether KVM has this vCPU powered on (KVM_GET_MP_STATE): false for a secondary until the
     * guest's CPU_ON and after its CPU_OFF. Call it between runs on the bound thread (the ioctl
     * waits while the vCPU is inside the guest).
     */
    public boolean poweredOn() {
        int state = kvm.mpState();
        return state != ArmShim.MP_STATE_STOPPED;
    }

    @Override
    public void bind() {
        kvm.bindCurrentThread();
    }

    @Override
    public void unbind() {
        kvm.unbindThread();
    }

    /** One KVM_RUN; returns the exit for the caller, or null when it was handled here. */
    @Override
    protected ExitReason enterGuest(DeviceAccessHandler handler) {
        vm.ensureIrqchipReady();
        if (powerOnPending) {
            Shim.check(kvm.setMpState(ArmShim.MP_STATE_RUNNABLE), "KVM_SET_MP_STATE(vCPU " + vcpuId + ", RUNNABLE)");
            powerOnPending = false;
        }
        lastExit = LastExit.NONE;
        KvmExit e;
        try {
            e = kvm.run();
        } catch (KvmException x) {
            throw runFailure(x);
        }
        return switch (e.kind()) {
            case MMIO -> mmio(e, handler);
            case SYSTEM_EVENT -> systemEvent(e);
            case HYPERCALL -> smccc(e);
            case INTR -> interrupted();
            case FAIL_ENTRY -> new ExitReason.FailEntry(e.failEntryReason());
            case INTERNAL_ERROR -> throw new VCpuException(String.format(
                    "vCPU %d: KVM internal error (sub-error %d) at PC 0x%x", vcpuId, e.internalSuberror(), pc()));
            case DEBUG -> ExitReason.Nothing.INSTANCE;
            case NONE, IO, HLT, SHUTDOWN, IRQ_WINDOW_OPEN, RISCV_SBI, UNKNOWN -> throw new VCpuException(String.format(
                    "vCPU %d: unexpected KVM exit reason %d at PC 0x%x", vcpuId, e.rawReason(), pc()));
        };
    }

    private VCpuException runFailure(KvmException x) {
        if (x.errno() == ERRNO_ENOSYS) {
            return new VCpuException(String.format("vCPU %d: the guest accessed MMIO at PC 0x%x with an instruction KVM cannot "
                    + "emulate (no instruction syndrome: LDP/STP, write-back addressing or similar)", vcpuId, pc()), x);
        }
        return new VCpuException(String.format("vCPU %d: %s at PC 0x%x", vcpuId, x.getMessage(), pc()), x);
    }

    private ExitReason interrupted() {
        if (stopRequested) {
            stopRequested = false;
            return ExitReason.Nothing.INSTANCE;
        }
        return null;
    }

    private ExitReason mmio(KvmExit e, DeviceAccessHandler handler) {
        long addr = e.address();
        if (vm.isDoorbell(addr)) {
            if (e.isWrite()) {
                return hypercall();
            }
            e.completeRead(0);
            return null;
        }
        AccessWidth width = AccessWidth.ofSizeOrNull(e.size());
        if (width == null) {
            throw new VCpuException(String.format("vCPU %d: MMIO access of %d bytes at GPA 0x%x (PC 0x%x)", vcpuId, e.size(),
                    addr, pc()));
        }
        if (handler == null) {
            if (e.isWrite()) {
                return new ExitReason.MmioWrite(GuestPhysAddr.of(addr), width, e.data());
            }
            lastExit = LastExit.MMIO_READ;
            return new ExitReason.MmioRead(GuestPhysAddr.of(addr), width, -1, width, false);
        }
        if (e.isWrite()) {
            handler.mmioWrite(addr, width, e.data());
        } else {
            e.completeRead(handler.mmioRead(addr, width));
        }
        return null;
    }

    private ExitReason hypercall() {
        loadCallRegisters();
        lastExit = LastExit.CALL;
        return new ExitReason.Hypercall(word(0), word(1), word(2), word(3), word(4), word(5), word(6));
    }

    private ExitReason smccc(KvmExit e) {
        return switch (SmcccCall.of(e.callNumber())) {
            case HYPERCALL -> hypercall();
            case CPU_ON -> {
                loadCallRegisters();
                lastExit = LastExit.CALL;
                yield new ExitReason.CpuUp(word(1), GuestPhysAddr.of(word(2)), word(3));
            }
            case CPU_OFF -> {
                Shim.check(kvm.setMpState(ArmShim.MP_STATE_STOPPED), "KVM_SET_MP_STATE(vCPU " + vcpuId + ", STOPPED)");
                yield new ExitReason.CpuDown(0);
            }
            case OTHER -> {
                setRegister(ArmRegister.X0, ArmPlatform.SMCCC_NOT_SUPPORTED);
                yield null;
            }
        };
    }

    private ExitReason systemEvent(KvmExit e) {
        return switch (e.systemEvent()) {
            case SHUTDOWN -> ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.POWER_OFF);
            case RESET -> ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.RESET);
            case CRASH -> ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.CRASH);
            case OTHER -> throw new VCpuException(String.format("vCPU %d: system event type %d that AxVM never enables, at %s",
                    vcpuId, e.rawSystemEventType(), "PC 0x" + Long.toHexString(pc())));
        };
    }

    private void loadCallRegisters() {
        Shim.check(ArmShim.getRegs(kvm.fd(), ArmRegister.X0.number(), CALL_REGS, words), "KVM_GET_ONE_REG(x0..x6)");
    }

    private long word(int i) {
        return words.getAtIndex(JAVA_LONG, i);
    }

    // ---- interrupts -------------------------------------------------------------------------

    /**
     * Makes interrupt {@code intid} pending as an edge: a PPI (16..31) of this vCPU or an SPI
     * (32..) of the VM is raised and lowered through the vGIC, which latches it for interrupts the
     * guest configured edge-triggered. Level-triggered devices drive {@link ArmVm#setIrqLine}
     * instead. Any thread.
     *
     * @throws UnsupportedOperationException without a vGIC
     * @throws IllegalArgumentException for an SGI (0..15, the guest sends those itself) or an INTID beyond the vGIC
     */
    @Override
    public void injectInterrupt(int intid) {
        if (!vm.hasInKernelIrqchip()) {
            throw new UnsupportedOperationException("vCPU " + vcpuId + ": the VM has no in-kernel vGICv3 to inject into");
        }
        int type;
        if (intid >= 16 && intid < ArmPlatform.FIRST_SPI_INTID) {
            type = ArmShim.IRQ_PPI;
        } else if (intid >= ArmPlatform.FIRST_SPI_INTID && intid < vm.interruptCount()) {
            type = ArmShim.IRQ_SPI;
        } else {
            throw new IllegalArgumentException("vCPU " + vcpuId + ": INTID " + intid + " is not a PPI (16..31) or an SPI (32.."
                    + (vm.interruptCount() - 1) + ")");
        }
        vm.raise(type, vcpuId, intid, true);
        vm.raise(type, vcpuId, intid, false);
    }

    @Override
    public void kick() {
        stopRequested = true;
        kvm.kick();
    }

    // ---- registers --------------------------------------------------------------------------

    /** Writes x0, the result of the hypercall or forwarded PSCI call that caused the last exit. */
    @Override
    public void setReturnValue(long value) {
        if (lastExit != LastExit.CALL) {
            throw new IllegalStateException("vCPU " + vcpuId + ": the last exit was not a hypercall or PSCI call");
        }
        setRegister(ArmRegister.X0, value);
    }

    @Override
    public void completeRead(long value) {
        if (lastExit != LastExit.MMIO_READ) {
            throw new IllegalStateException("vCPU " + vcpuId + ": the last exit was not an MMIO read");
        }
        exit.completeRead(value);
        lastExit = LastExit.NONE;
    }

    /** Sets {@code x<reg>} (0..30). */
    @Override
    public void setGpr(int reg, long value) {
        setRegister(ArmRegister.x(reg), value);
    }

    /** Reads {@code x<reg>} (0..30). */
    @Override
    public long getGpr(int reg) {
        return getRegister(ArmRegister.x(reg));
    }

    /** Reads one register (KVM_GET_ONE_REG). */
    public long getRegister(ArmRegister r) {
        Shim.check(ArmShim.getReg(kvm.fd(), r.number(), words), "KVM_GET_ONE_REG(" + r + ", vCPU " + vcpuId + ")");
        return word(0);
    }

    /** Writes one register (KVM_SET_ONE_REG). */
    public void setRegister(ArmRegister r, long value) {
        Shim.check(ArmShim.setReg(kvm.fd(), r.number(), value), "KVM_SET_ONE_REG(" + r + ", vCPU " + vcpuId + ")");
    }

    private long pc() {
        return ArmShim.getReg(kvm.fd(), ArmRegister.PC.number(), words) < 0 ? -1 : word(0);
    }

    // ---- snapshot state ---------------------------------------------------------------------

    private static final int STATE_VERSION = 1;

    /**
     * Encoding 1: the version byte, then {@link RegisterListState}'s: KVM's run state (a secondary
     * the guest has not started, or stopped, is STOPPED) and every register KVM lists
     * (KVM_GET_REG_LIST: core, FP/SIMD, system registers, the timers, the firmware's pseudo
     * registers). The guest's virtual time travels in the timer's counter register. The vGIC's
     * CPU interface is not among them: it belongs to the VM's state ({@link ArmVm#saveState}).
     */
    @Override
    public byte[] saveState() {
        kvm.completePendingExit();
        long[] ids = kvm.registerIds();
        return new RegisterListState(kvm.mpState(), ids, kvm.registers(ids)).encode(STATE_VERSION);
    }

    /**
     * Every register comes back in the saved order ({@link KvmVcpu#restoreRegisters}: a read-only one,
     * as an ID register, only where it already holds the saved value), then the run state. Call
     * it on a vCPU that has never run.
     */
    @Override
    public void restoreState(byte[] state) {
        String what = "aarch64 vCPU " + vcpuId + " state";
        RegisterListState s = RegisterListState.decode(what, state, STATE_VERSION, kvm.registerIds(),
                KvmVcpu::registerSize, KvmVcpu.MAX_REGISTERS);
        try {
            kvm.restoreRegisters(s.ids(), s.values(), s.runState());
        } catch (KvmException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        powerOnPending = false;
        lastExit = LastExit.NONE;
    }

    @Override
    public synchronized void close() {
        kvm.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
