package dev.axvm.vcpu.riscv;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestMemory;
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
import dev.axvm.vcpu.riscv.internal.DebugConsoleService;
import dev.axvm.vcpu.riscv.internal.RiscvShim;
import dev.axvm.vcpu.riscv.internal.SbiCall;
import dev.axvm.vcpu.spi.ExitLoopVCpu;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vcpu.spi.RegisterListState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A riscv64 vCPU on KVM (H-extension underneath). Registers go through {@code KVM_GET/SET_ONE_REG};
 * it starts in S-mode at the entry with a0 = hart id and a1 = the boot argument (the DTB address),
 * as the RISC-V boot protocol and AxVisor do. The SBI debug console (DBCN), which KVM keeps off,
 * is switched on at creation so that its calls reach user space.
 *
 * <p>Exits become {@link ExitReason}s:
 * <ul>
 *   <li>guest loads and stores outside RAM: {@code MmioRead}/{@code MmioWrite}; KVM decodes the
 *       instruction and completes loads itself, so {@code MmioRead.reg()} is -1. (Measured: Linux
 *       6.12 zero-extends LB/LH/LW from MMIO; see the module README.) Accesses KVM cannot decode
 *       (atomics, for one) end in a {@link VCpuException} naming the PC.
 *   <li>SBI calls KVM forwards ({@code KVM_EXIT_RISCV_SBI}): DBCN write/read/write_byte are served
 *       here (see {@link SbiDebugConsole}) and never surface; hypercalls with AxVisor's extension
 *       id or AxVM's experimental-range copy ({@link RiscvPlatform#SBI_EXT_AXVM_HVC}) become
 *       {@code Hypercall(nr = a6, args = a0..a5)}, answered in a0 by {@link #setReturnValue}
 *       (a1 kept) or in a0/a1 by {@link #setSbiReturn}; any other forwarded call gets
 *       NOT_SUPPORTED.
 *   <li>SBI SRST shutdown/reboot ({@code KVM_EXIT_SYSTEM_EVENT}): {@code SystemDown(POWER_OFF/RESET)}.
 * </ul>
 * KVM serves WFI, the timer, IPIs, remote fences and HSM itself.
 */
public final class RiscvVCpu extends ExitLoopVCpu {
    private enum LastExit { NONE, MMIO_READ, SBI }

    private final KvmVcpu kvm;
    private final KvmExit exit;
    private final int vcpuId;
    private final long hartId;
    private final boolean debugConsoleEnabled;
    private final DebugConsoleService debugConsole = new DebugConsoleService(RiscvPlatform.UART_BASE);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment word;
    private volatile boolean stopRequested;
    private GuestMemory memory;
    private LastExit lastExit = LastExit.NONE;
    private long sbiA1;

    RiscvVCpu(KvmVcpu kvm, VCpuCreateConfig config) {
        super(GuestPhysAddr.of(RiscvPlatform.KERNEL_LOAD));
        this.kvm = kvm;
        this.exit = kvm.exit();
        this.vcpuId = config.vcpuId();
        this.hartId = config.archId();
        this.word = arena.allocate(JAVA_LONG);
        // KVM keeps DBCN off until user space asks; kernels before 6.7 do not know it (then KVM answers NOT_SUPPORTED).
        int rc = RiscvShim.sbiExtSet(kvm.fd(), RiscvShim.SBI_EXT_DBCN, true);
        this.debugConsoleEnabled = rc >= 0;
    }

    /** The vCPU's index in its VM. */
    public int vcpuId() {
        return vcpuId;
    }

    /** The hart id (a0 at entry), equal to the vCPU index. */
    public long hartId() {
        return hartId;
    }

    /** Whether KVM forwards the guest's DBCN calls here (false on kernels that do not know DBCN). */
    public boolean debugConsoleEnabled() {
        return debugConsoleEnabled;
    }

    /** Sends this vCPU's DBCN calls to {@code console} (null: the platform UART through the device handler). */
    public void setDebugConsole(SbiDebugConsole console) {
        debugConsole.setConsole(console);
    }

    /**
     * Whether SBI extension {@code index} (KVM's numbering: 4 SRST, 5 HSM, 9 DBCN, ...) is on for
     * this vCPU, as KVM reports it.
     */
    public boolean sbiExtensionEnabled(int index) {
        return Shim.check(RiscvShim.sbiExtGet(kvm.fd(), index), "KVM_GET_ONE_REG(SBI extension " + index + ")") == 1;
    }

    /**
     * S-mode at the entry, a0 = hart id, a1 = {@code config.bootArgument()} (the DTB address);
     * {@code config.memory()} is what DBCN buffers are checked against. For a hart other than 0,
     * KVM replaces PC, a0 and a1 when the guest starts it with SBI HSM.
     *
     * @throws IllegalArgumentException for an entry mode other than {@link EntryMode#DEFAULT}
     */
    @Override
    public void setup(VCpuSetupConfig config) {
        if (config.mode() != EntryMode.DEFAULT) {
            throw new IllegalArgumentException("vCPU " + vcpuId + ": riscv64 starts in S-mode; entry mode " + config.mode()
                    + " is x86's");
        }
        this.memory = config.memory();
        setRegister(RiscvRegister.PC, entry().value());
        setRegister(RiscvRegister.A0, hartId);
        setRegister(RiscvRegister.A1, config.bootArgument());
    }

    /**
     * Whether KVM has this hart started (KVM_GET_MP_STATE): false for a secondary until the
     * guest's HSM hart_start and after its hart_stop. Call it between runs on the bound thread.
     */
    public boolean started() {
        int state = kvm.mpState();
        return state != RiscvShim.MP_STATE_STOPPED;
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
        lastExit = LastExit.NONE;
        KvmExit e;
        try {
            e = kvm.run();
        } catch (KvmException x) {
            throw new VCpuException(String.format("vCPU %d: %s at PC 0x%x", vcpuId, x.getMessage(), pc()), x);
        }
        return switch (e.kind()) {
            case MMIO -> mmio(e, handler);
            case RISCV_SBI -> sbi(e, handler);
            case SYSTEM_EVENT -> systemEvent(e);
            case INTR -> interrupted();
            case FAIL_ENTRY -> new ExitReason.FailEntry(e.failEntryReason());
            case INTERNAL_ERROR -> throw new VCpuException(String.format(
                    "vCPU %d: KVM internal error (sub-error %d) at PC 0x%x", vcpuId, e.internalSuberror(), pc()));
            case DEBUG -> ExitReason.Nothing.INSTANCE;
            case NONE, IO, HLT, SHUTDOWN, HYPERCALL, IRQ_WINDOW_OPEN, UNKNOWN -> throw new VCpuException(String.format(
                    "vCPU %d: unexpected KVM exit reason %d at PC 0x%x", vcpuId, e.rawReason(), pc()));
        };
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

    private ExitReason sbi(KvmExit e, DeviceAccessHandler handler) {
        return switch (SbiCall.of(e.callNumber())) {
            case DEBUG_CONSOLE -> {
                debugConsole.serve(e.sbiFunction(), e.arg(0), e.arg(1), e.arg(2), memory, handler);
                e.completeSbi(debugConsole.error(), debugConsole.value());
                yield null;
            }
            case HYPERCALL -> {
                sbiA1 = e.arg(1);
                lastExit = LastExit.SBI;
                yield new ExitReason.Hypercall(e.sbiFunction(), e.arg(0), e.arg(1), e.arg(2), e.arg(3), e.arg(4), e.arg(5));
            }
            case OTHER -> {
                e.completeSbi(RiscvPlatform.SBI_ERR_NOT_SUPPORTED, 0);
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

    // ---- what the device tree says of this hart -------------------------------------------

    /**
     * The hart as KVM reports it through ONE_REG: ISA string, MMU type ({@code riscv,sv39/48/57},
     * empty when the kernel does not say) and timer frequency.
     */
    public PlatformFacts.Riscv platformFacts() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment isa = arena.allocate(512);
            int n = Shim.check(RiscvShim.isaString(kvm.fd(), isa), "KVM_GET_ONE_REG(ISA, vCPU " + vcpuId + ")");
            MemorySegment hz = arena.allocate(8, 8);
            Shim.check(RiscvShim.timebase(kvm.fd(), hz), "KVM_GET_ONE_REG(timer frequency, vCPU " + vcpuId + ")");
            int satp = RiscvShim.satpMode(kvm.fd());
            String mmu = switch (satp) {
                case 8 -> "riscv,sv39";
                case 9 -> "riscv,sv48";
                case 10 -> "riscv,sv57";
                default -> ""; // not reported (before Linux 6.5) or bare: the guest probes for itself
            };
            return new PlatformFacts.Riscv(isa.getString(0).substring(0, n), mmu, hz.get(JAVA_LONG, 0));
        }
    }

    // ---- interrupts -------------------------------------------------------------------------

    /** The AxArchVCpu form of {@link #setExternalInterrupt(boolean)}: a user-space PLIC's output for this hart. */
    @Override
    public void setExternalInterruptLevel(boolean asserted) {
        setExternalInterrupt(asserted);
    }

    /**
     * Raises ({@code true}) or clears this hart's S-mode external interrupt, as a PLIC or APLIC
     * output would: level semantics, it stays pending until cleared. Any thread (KVM_INTERRUPT is
     * asynchronous on riscv and kicks a running vCPU).
     */
    public void setExternalInterrupt(boolean pending) {
        int fd = kvm.beginUse();
        if (fd < 0) {
            return; // the vCPU is closing: nothing is left to interrupt
        }
        try {
            int rc = RiscvShim.externalIrq(fd, pending);
            if (rc < 0) {
                throw new KvmException("KVM_INTERRUPT(vCPU " + vcpuId + ", " + (pending ? "SET" : "UNSET") + ")", -rc);
            }
        } finally {
            kvm.endUse();
        }
    }

    /**
     * Raises interrupt {@code cause}, which can only be the S-mode external interrupt (9): timer and
     * software interrupts are KVM's (SBI TIME and IPI). It stays pending until
     * {@link #setExternalInterrupt(boolean) setExternalInterrupt(false)}. Any thread.
     *
     * @throws IllegalArgumentException for any other cause
     */
    @Override
    public void injectInterrupt(int cause) {
        if (cause != RiscvPlatform.IRQ_S_EXT) {
            throw new IllegalArgumentException("vCPU " + vcpuId + ": interrupt " + cause
                    + " cannot be injected; only the S-mode external interrupt (9) comes from the VMM");
        }
        setExternalInterrupt(true);
    }

    @Override
    public void kick() {
        stopRequested = true;
        kvm.kick();
    }

    // ---- registers --------------------------------------------------------------------------

    /** Answers the hypercall that caused the last exit: a0 = {@code value}, a1 as the guest left it. */
    @Override
    public void setReturnValue(long value) {
        setSbiReturn(value, sbiA1);
    }

    /** Answers the SBI call that caused the last exit with a0 = {@code error} and a1 = {@code value}. */
    public void setSbiReturn(long error, long value) {
        if (lastExit != LastExit.SBI) {
            throw new IllegalStateException("vCPU " + vcpuId + ": the last exit was not an SBI call");
        }
        exit.completeSbi(error, value);
    }

    @Override
    public void completeRead(long value) {
        if (lastExit != LastExit.MMIO_READ) {
            throw new IllegalStateException("vCPU " + vcpuId + ": the last exit was not an MMIO read");
        }
        exit.completeRead(value);
        lastExit = LastExit.NONE;
    }

    /** Sets {@code x<reg>} (1..31; a0 is x10). */
    @Override
    public void setGpr(int reg, long value) {
        setRegister(RiscvRegister.x(reg), value);
    }

    /** Reads {@code x<reg>}: 0 for x0, the register for 1..31. */
    @Override
    public long getGpr(int reg) {
        return reg == 0 ? 0 : getRegister(RiscvRegister.x(reg));
    }

    /** Reads one register (KVM_GET_ONE_REG). */
    public long getRegister(RiscvRegister r) {
        Shim.check(RiscvShim.getReg(kvm.fd(), r.number(), word), "KVM_GET_ONE_REG(" + r + ", vCPU " + vcpuId + ")");
        return word.get(JAVA_LONG, 0);
    }

    /** Writes one register (KVM_SET_ONE_REG). */
    public void setRegister(RiscvRegister r, long value) {
        Shim.check(RiscvShim.setReg(kvm.fd(), r.number(), value), "KVM_SET_ONE_REG(" + r + ", vCPU " + vcpuId + ")");
    }

    private long pc() {
        return RiscvShim.getReg(kvm.fd(), RiscvRegister.PC.number(), word) < 0 ? -1 : word.get(JAVA_LONG, 0);
    }

    // ---- snapshot state ---------------------------------------------------------------------

    private static final int STATE_VERSION = 1;

    /**
     * Encoding 1: the version byte, then {@link RegisterListState}'s: KVM's run state and every
     * register KVM lists (KVM_GET_REG_LIST: core, CSRs, timer, FP, vector, ISA and SBI
     * extensions, ...). The guest's time travels in the timer registers.
     */
    @Override
    public byte[] saveState() {
        kvm.completePendingExit();
        long[] ids = kvm.registerIds();
        return new RegisterListState(kvm.mpState(), ids, kvm.registers(ids)).encode(STATE_VERSION);
    }

    /**
     * Every register comes back in the saved order ({@link KvmVcpu#restoreRegisters}: a read-only one
     * only where it already holds the saved value), then the run state.
     */
    @Override
    public void restoreState(byte[] state) {
        String what = "riscv64 vCPU " + vcpuId + " state";
        RegisterListState s = RegisterListState.decode(what, state, STATE_VERSION, kvm.registerIds(),
                KvmVcpu::registerSize, KvmVcpu.MAX_REGISTERS);
        try {
            kvm.restoreRegisters(s.ids(), s.values(), s.runState());
        } catch (KvmException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
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
