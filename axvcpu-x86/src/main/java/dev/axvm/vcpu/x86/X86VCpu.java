package dev.axvm.vcpu.x86;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.Port;
import dev.axvm.kvm.KvmException;
import dev.axvm.kvm.KvmExit;
import dev.axvm.kvm.KvmVcpu;
import dev.axvm.kvm.internal.Shim;
import dev.axvm.vcpu.DeviceAccessHandler;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuException;
import dev.axvm.vcpu.VCpuSetupConfig;
import dev.axvm.vcpu.spi.ExitLoopVCpu;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import dev.axvm.vcpu.x86.internal.X86Msrs;
import dev.axvm.vcpu.x86.internal.X86Shim;
import dev.axvm.vcpu.x86.internal.X86VcpuPart;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An x86_64 vCPU on KVM (VT-x, SVM or PVM underneath). Turns KVM exits into {@link ExitReason}s:
 * port I/O (string and REP forms included, one access per element), MMIO, HLT, triple fault,
 * system events, entry failures, and AxVM's port conventions for hypercalls, platform calls and
 * power-off ({@link X86Ports}). KVM internal and emulation errors become a {@link VCpuException}
 * that names the sub-error and the guest's RIP.
 *
 * <p>{@link #run(DeviceAccessHandler)} serves device accesses through the handler without
 * allocating; {@link #run()} reports each access as an exit and expects
 * {@link #completeRead(long)} for reads.
 *
 * <p>Interrupts: without the in-kernel irqchip, injected vectors wait in a pending set until the
 * guest can take one (KVM's interrupt-window exit); with it, each vector is delivered as an MSI to
 * this vCPU's LAPIC.
 */
public final class X86VCpu extends ExitLoopVCpu {
    private static final Logger LOG = LoggerFactory.getLogger(X86VCpu.class);

    private static final long RFLAGS_RESERVED = 0x2;
    private static final int MSR_MTRR_DEF_TYPE = 0x2ff;
    private static final long MTRR_ENABLE = 1 << 11;
    private static final long MTRR_TYPE_WRITE_BACK = 6;
    private static final int MSR_MISC_ENABLE = 0x1a0;
    private static final long MISC_ENABLE_FAST_STRING = 1;
    private static final int STATE_VERSION = 1;

    private enum LastExit { NONE, IO_READ, STRING_IN, MMIO_READ, HYPERCALL, PLATFORM }

    private final X86Vm vm;
    private final KvmVcpu kvm;
    private final KvmExit exit;
    private final int vcpuId;
    private final long apicId;
    private final List<CpuidEntry> cpuid;
    private final MemorySegment regs;
    private final MemorySegment sregs;
    private final MemorySegment msrValue;
    private final AtomicLongArray pendingVectors = new AtomicLongArray(4);
    private volatile boolean anyPending;
    private volatile boolean stopRequested;
    private boolean windowRequested;
    private LastExit lastExit = LastExit.NONE;
    // String I/O replayed one element per run() call when there is no handler.
    private int stringNext;
    private int stringCount;

    X86VCpu(X86Vm vm, KvmVcpu kvm, VCpuCreateConfig config, boolean inKernelLapic) {
        super(GuestPhysAddr.of(0));
        this.vm = vm;
        this.kvm = kvm;
        this.exit = kvm.exit();
        this.vcpuId = config.vcpuId();
        this.apicId = config.archId();
        if (apicId < 0 || apicId > 0xfe) {
            throw new IllegalArgumentException("vCPU " + vcpuId + ": APIC id " + apicId + " is outside 0..254");
        }
        this.regs = kvm.allocate(X86Shim.REGS_WORDS * 8L, 8);
        this.sregs = kvm.allocate(X86Shim.SREGS_WORDS * 8L, 8);
        this.msrValue = kvm.allocate(8, 8);
        this.cpuid = List.copyOf(CpuidPolicy.forGuest(vm.supportedCpuid(), (int) apicId, inKernelLapic));
        setCpuid(cpuid);
        setBootMsrs();
    }

    /**
     * What firmware leaves in the MSRs a kernel reads before it sets them itself: MTRRs enabled
     * with write-back as the default type (else Linux maps all RAM uncached and disables PAT),
     * and fast string operations on.
     */
    private void setBootMsrs() {
        setMsr(MSR_MTRR_DEF_TYPE, MTRR_ENABLE | MTRR_TYPE_WRITE_BACK);
        setMsr(MSR_MISC_ENABLE, MISC_ENABLE_FAST_STRING);
    }

    private void setCpuid(List<CpuidEntry> entries) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment words = a.allocate((long) entries.size() * X86Shim.CPUID_WORDS * 4, 4);
            for (int i = 0; i < entries.size(); i++) {
                CpuidEntry e = entries.get(i);
                long o = (long) i * X86Shim.CPUID_WORDS * 4;
                int[] w = {e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()};
                for (int k = 0; k < w.length; k++) {
                    words.set(JAVA_INT, o + 4L * k, w[k]);
                }
            }
            Shim.check(X86Shim.setCpuid(kvm.fd(), words, entries.size()), "KVM_SET_CPUID2(vCPU " + vcpuId + ")");
        }
    }

    /** The vCPU's index in its VM. */
    public int vcpuId() {
        return vcpuId;
    }

    /** The vCPU's APIC id. */
    public long apicId() {
        return apicId;
    }

    /** The CPUID the guest sees (after {@link CpuidPolicy}). */
    public List<CpuidEntry> cpuid() {
        return cpuid;
    }

    @Override
    public void setup(VCpuSetupConfig config) {
        long scratch = config.scratchGpa() == 0 ? X86EntryState.DEFAULT_SCRATCH : config.scratchGpa();
        X86SpecialRegisters reset = specialRegisters();
        X86BootState boot = switch (config.mode()) {
            case DEFAULT, REAL -> X86EntryState.realMode(reset, entry().value());
            case PROTECTED -> X86EntryState.protectedMode(reset, entry().value(), config.memory(), scratch);
            case LONG -> X86EntryState.longMode(reset, entry().value(), config.memory(), scratch);
        };
        setBootState(boot, config.bootArgument());
    }

    /**
     * Puts the vCPU into {@code boot} (see {@link X86EntryState}), every other general register
     * zero but RSI, RDI and RBX, which get {@code bootArgument}: Linux's 64-bit boot protocol takes
     * the zero page in RSI, a PVH entry its start info in EBX, and AxVM's secondary vCPUs find their
     * start argument in RDI.
     */
    public void setBootState(X86BootState boot, long bootArgument) {
        setSpecialRegisters(boot.sregs());
        for (int i = 0; i < X86Shim.REGS_WORDS; i++) {
            regs.setAtIndex(JAVA_LONG, i, 0);
        }
        regs.setAtIndex(JAVA_LONG, X86Register.RIP.ordinal(), boot.rip());
        regs.setAtIndex(JAVA_LONG, X86Register.RSP.ordinal(), boot.rsp());
        regs.setAtIndex(JAVA_LONG, X86Register.RFLAGS.ordinal(), boot.rflags() | RFLAGS_RESERVED);
        regs.setAtIndex(JAVA_LONG, X86Register.RSI.ordinal(), bootArgument);
        regs.setAtIndex(JAVA_LONG, X86Register.RDI.ordinal(), bootArgument);
        regs.setAtIndex(JAVA_LONG, X86Register.RBX.ordinal(), bootArgument);
        storeRegs();
    }

    @Override
    public void bind() {
        kvm.bindCurrentThread();
    }

    @Override
    public void unbind() {
        kvm.unbindThread();
    }

    @Override
    public ExitReason run() {
        if (stringNext < stringCount) {
            return nextStringElement();
        }
        return super.run();
    }

    /** One KVM_RUN; returns the exit for the caller, or null when it was handled here. */
    @Override
    protected ExitReason enterGuest(DeviceAccessHandler handler) {
        prepareInterrupts();
        lastExit = LastExit.NONE;
        KvmExit e = kvm.run();
        return switch (e.kind()) {
            case IO -> io(e, handler);
            case MMIO -> mmio(e, handler);
            case HLT -> ExitReason.Halt.INSTANCE;
            case INTR -> interrupted();
            case IRQ_WINDOW_OPEN -> null;
            case SHUTDOWN -> tripleFault();
            case FAIL_ENTRY -> new ExitReason.FailEntry(e.failEntryReason());
            case SYSTEM_EVENT -> systemEvent(e);
            case HYPERCALL -> kvmHypercall(e);
            case INTERNAL_ERROR -> throw internalError(e);
            case DEBUG -> ExitReason.Nothing.INSTANCE;
            case NONE, RISCV_SBI, UNKNOWN -> throw new VCpuException(String.format(
                    "vCPU %d: unexpected KVM exit reason %d at RIP 0x%x", vcpuId, e.rawReason(), rip()));
        };
    }

    private ExitReason interrupted() {
        if (stopRequested) {
            stopRequested = false;
            return ExitReason.Nothing.INSTANCE;
        }
        return null; // a kick that only brought a pending interrupt: inject it and go on
    }

    private ExitReason io(KvmExit e, DeviceAccessHandler handler) {
        int port = (int) e.address();
        int size = e.size();
        int count = e.count();
        boolean write = e.isWrite();
        if (write && count == 1) {
            if (port == X86Ports.POWER && size >= 2 && (e.data() & 0xffff) == X86Ports.POWER_OFF_VALUE) {
                return ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.POWER_OFF);
            }
            if (port == X86Ports.HYPERCALL) {
                return hypercall();
            }
            if (port == X86Ports.PLATFORM) {
                return platformCall();
            }
        }
        AccessWidth width = AccessWidth.ofSizeOrNull(size);
        if (width == null || count < 1) {
            throw new VCpuException(String.format("vCPU %d: port I/O of %d x %d bytes at port 0x%x is malformed",
                    vcpuId, count, size, port));
        }
        if (handler == null) {
            return ioExit(e, port, width, count, write);
        }
        if (count == 1) {
            if (write) {
                handler.ioWrite(port, width, e.data());
            } else {
                e.completeRead(handler.ioRead(port, width));
            }
            return null;
        }
        MemorySegment run = e.runArea();
        long base = e.ioDataOffset();
        for (int i = 0; i < count; i++) {
            long at = base + (long) i * size;
            if (write) {
                handler.ioWrite(port, width, load(run, at, size));
            } else {
                store(run, at, size, handler.ioRead(port, width));
            }
        }
        return null;
    }

    private ExitReason ioExit(KvmExit e, int port, AccessWidth width, int count, boolean write) {
        if (count > 1) {
            stringNext = 0;
            stringCount = count;
            return nextStringElement();
        }
        if (write) {
            return new ExitReason.IoWrite(Port.of(port), width, e.data());
        }
        lastExit = LastExit.IO_READ;
        return new ExitReason.IoRead(Port.of(port), width);
    }

    private ExitReason nextStringElement() {
        int size = exit.size();
        AccessWidth width = AccessWidth.ofSize(size);
        Port port = Port.of((int) exit.address());
        int i = stringNext++;
        if (exit.isWrite()) {
            lastExit = LastExit.NONE;
            return new ExitReason.IoWrite(port, width, load(exit.runArea(), exit.ioDataOffset() + (long) i * size, size));
        }
        lastExit = LastExit.STRING_IN;
        return new ExitReason.IoRead(port, width);
    }

    private static long load(MemorySegment s, long at, int size) {
        return switch (size) {
            case 1 -> s.get(JAVA_BYTE, at) & 0xffL;
            case 2 -> s.get(JAVA_SHORT_UNALIGNED, at) & 0xffffL;
            default -> s.get(JAVA_INT_UNALIGNED, at) & 0xffff_ffffL;
        };
    }

    private static void store(MemorySegment s, long at, int size, long value) {
        switch (size) {
            case 1 -> s.set(JAVA_BYTE, at, (byte) value);
            case 2 -> s.set(JAVA_SHORT_UNALIGNED, at, (short) value);
            default -> s.set(JAVA_INT_UNALIGNED, at, (int) value);
        }
    }

    private ExitReason mmio(KvmExit e, DeviceAccessHandler handler) {
        long addr = e.address();
        int size = e.size();
        AccessWidth width = AccessWidth.ofSizeOrNull(size);
        if (width == null) {
            // KVM splits accesses that straddle a page; odd sizes are served byte by byte.
            return oddMmio(e, handler, addr, size);
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

    private ExitReason oddMmio(KvmExit e, DeviceAccessHandler handler, long addr, int size) {
        if (handler == null || size < 1 || size > 8) {
            throw new VCpuException(String.format("vCPU %d: MMIO access of %d bytes at GPA 0x%x (RIP 0x%x) "
                    + "is not 1, 2, 4 or 8 bytes", vcpuId, size, addr, rip()));
        }
        if (e.isWrite()) {
            for (int i = 0; i < size; i++) {
                handler.mmioWrite(addr + i, AccessWidth.BYTE, e.data() >>> (8 * i));
            }
        } else {
            long value = 0;
            for (int i = 0; i < size; i++) {
                value |= (handler.mmioRead(addr + i, AccessWidth.BYTE) & 0xff) << (8 * i);
            }
            e.completeRead(value);
        }
        return null;
    }

    private ExitReason hypercall() {
        loadRegs();
        lastExit = LastExit.HYPERCALL;
        return new ExitReason.Hypercall(reg(X86Register.RAX), reg(X86Register.RDI), reg(X86Register.RSI),
                reg(X86Register.RDX), reg(X86Register.RCX), reg(X86Register.R8), reg(X86Register.R9));
    }

    private ExitReason platformCall() {
        loadRegs();
        long function = reg(X86Register.RAX);
        lastExit = LastExit.PLATFORM;
        if (function == X86Ports.CPU_ON) {
            return new ExitReason.CpuUp(reg(X86Register.RDI), GuestPhysAddr.of(reg(X86Register.RSI)), reg(X86Register.RDX));
        } else if (function == X86Ports.CPU_OFF) {
            return new ExitReason.CpuDown(0);
        } else if (function == X86Ports.SYSTEM_OFF) {
            return ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.POWER_OFF);
        } else if (function == X86Ports.SYSTEM_RESET) {
            return ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.RESET);
        }
        setReturnValue(-1);
        return null;
    }

    private ExitReason kvmHypercall(KvmExit e) {
        lastExit = LastExit.NONE;
        return new ExitReason.Hypercall(e.callNumber(), e.arg(0), e.arg(1), e.arg(2), e.arg(3), e.arg(4), e.arg(5));
    }

    private ExitReason systemEvent(KvmExit e) {
        return switch (e.systemEvent()) {
            case SHUTDOWN -> ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.POWER_OFF);
            case RESET -> ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.RESET);
            case CRASH -> ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.CRASH);
            case OTHER -> throw new VCpuException(String.format("vCPU %d: system event type %d that AxVM never enables, at %s",
                    vcpuId, e.rawSystemEventType(), "RIP 0x" + Long.toHexString(rip())));
        };
    }

    private VCpuException internalError(KvmExit e) {
        long sub = e.internalSuberror();
        String what = switch ((int) sub) {
            case 1 -> "emulation failure";
            case 2 -> "exception while delivering an exception";
            case 3 -> "failure delivering an event";
            case 4 -> "unexpected hardware exit";
            default -> "unknown internal error";
        };
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < e.dataWords(); i++) {
            data.append(i == 0 ? "" : " ").append("0x").append(Long.toHexString(e.arg(i)));
        }
        return new VCpuException(String.format("vCPU %d: KVM internal error: %s (sub-error %d) at RIP 0x%x%s", vcpuId,
                what, sub, rip(), data.isEmpty() ? "" : ", data [" + data + "]"));
    }

    // ---- interrupts -------------------------------------------------------------------------

    @Override
    public void injectInterrupt(int vector) {
        if (vector < 0 || vector > 255) {
            throw new IllegalArgumentException("x86 interrupt vector " + vector + " is outside 0..255");
        }
        if (vm.hasInKernelIrqchip()) {
            vm.signalMsi(apicId, vector);
            return;
        }
        int word = vector >>> 6;
        long bit = 1L << (vector & 63);
        long old;
        do {
            old = pendingVectors.get(word);
        } while (!pendingVectors.compareAndSet(word, old, old | bit));
        anyPending = true;
        kvm.kick();
    }

    /** Whether a vector waits for injection (user-space interrupt path only). */
    public boolean hasPendingInterrupt() {
        return anyPending;
    }

    /** Injects the highest pending vector when the guest can take it, else asks KVM for the window. */
    private void prepareInterrupts() {
        if (!anyPending) {
            if (windowRequested) {
                X86Shim.requestInterruptWindow(kvm.runArea(), false);
                windowRequested = false;
            }
            return;
        }
        if (exit.readyForInterruptInjection()) {
            int vector = takeHighestPending();
            int rc = vector < 0 ? 0 : X86Shim.interrupt(kvm.fd(), vector);
            if (rc < 0) {
                throw new KvmException("KVM_INTERRUPT(vector " + vector + ")", -rc);
            }
        }
        boolean more = anyPending;
        if (more != windowRequested) {
            X86Shim.requestInterruptWindow(kvm.runArea(), more);
            windowRequested = more;
        }
    }

    private int takeHighestPending() {
        for (int word = 3; word >= 0; word--) {
            long bits;
            do {
                bits = pendingVectors.get(word);
                if (bits == 0) {
                    break;
                }
            } while (!pendingVectors.compareAndSet(word, bits, bits & ~Long.highestOneBit(bits)));
            if (bits != 0) {
                anyPending = pendingVectors.get(0) != 0 || pendingVectors.get(1) != 0 || pendingVectors.get(2) != 0
                        || pendingVectors.get(3) != 0;
                return word * 64 + 63 - Long.numberOfLeadingZeros(bits);
            }
        }
        anyPending = false;
        return -1;
    }

    @Override
    public void kick() {
        stopRequested = true;
        kvm.kick();
    }

    // ---- registers --------------------------------------------------------------------------

    @Override
    public void setReturnValue(long value) {
        if (lastExit != LastExit.HYPERCALL && lastExit != LastExit.PLATFORM) {
            throw new IllegalStateException("vCPU " + vcpuId + ": the last exit was not a hypercall or platform call");
        }
        setRegister(X86Register.RAX, value);
    }

    @Override
    public void completeRead(long value) {
        switch (lastExit) {
            case IO_READ, MMIO_READ -> exit.completeRead(value);
            case STRING_IN -> store(exit.runArea(), exit.ioDataOffset() + (long) (stringNext - 1) * exit.size(), exit.size(),
                    value);
            default -> throw new IllegalStateException("vCPU " + vcpuId + ": the last exit was not a read");
        }
        lastExit = LastExit.NONE;
    }

    @Override
    public void setGpr(int reg, long value) {
        setRegister(X86Register.of(reg), value);
    }

    @Override
    public long getGpr(int reg) {
        return getRegister(X86Register.of(reg));
    }

    /** Reads one register (KVM_GET_REGS). */
    public long getRegister(X86Register r) {
        loadRegs();
        return reg(r);
    }

    /** Writes one register (KVM_GET_REGS, then KVM_SET_REGS). */
    public void setRegister(X86Register r, long value) {
        loadRegs();
        regs.setAtIndex(JAVA_LONG, r.ordinal(), value);
        storeRegs();
    }

    private long reg(X86Register r) {
        return regs.getAtIndex(JAVA_LONG, r.ordinal());
    }

    /** KVM_EXIT_SHUTDOWN: the guest triple-faulted; where it was is what a user needs to know. */
    private ExitReason tripleFault() {
        LOG.warn("vCPU {}: triple fault (KVM_EXIT_SHUTDOWN) at RIP 0x{}", vcpuId, Long.toHexString(rip()));
        return ExitReason.SystemDown.of(ExitReason.SystemDown.Reason.CRASH);
    }

    private long rip() {
        return X86Shim.getRegs(kvm.fd(), regs) < 0 ? -1 : reg(X86Register.RIP);
    }

    private void loadRegs() {
        Shim.check(X86Shim.getRegs(kvm.fd(), regs), "KVM_GET_REGS(vCPU " + vcpuId + ")");
    }

    private void storeRegs() {
        Shim.check(X86Shim.setRegs(kvm.fd(), regs), "KVM_SET_REGS(vCPU " + vcpuId + ")");
    }

    @Override
    public String describeState() {
        loadRegs();
        X86SpecialRegisters s = specialRegisters();
        StringBuilder b = new StringBuilder(String.format("RIP 0x%x RFLAGS 0x%x CS 0x%x CR0 0x%x CR3 0x%x CR4 0x%x EFER 0x%x",
                reg(X86Register.RIP), reg(X86Register.RFLAGS), s.cs().selector(), s.cr0(), s.cr3(), s.cr4(), s.efer()));
        for (X86Register r : X86Register.values()) {
            if (r != X86Register.RIP && r != X86Register.RFLAGS) {
                b.append(' ').append(r.name()).append(" 0x").append(Long.toHexString(reg(r)));
            }
        }
        return b.toString();
    }

    /** Reads the segment, descriptor-table and control registers. */
    public X86SpecialRegisters specialRegisters() {
        Shim.check(X86Shim.getSregs(kvm.fd(), sregs), "KVM_GET_SREGS(vCPU " + vcpuId + ")");
        X86Segment[] seg = new X86Segment[8];
        for (int i = 0; i < 8; i++) {
            seg[i] = X86Segment.of(sregs.getAtIndex(JAVA_LONG, 3 * i), sregs.getAtIndex(JAVA_LONG, 3 * i + 1),
                    sregs.getAtIndex(JAVA_LONG, 3 * i + 2));
        }
        int t = 24;
        return new X86SpecialRegisters(seg[0], seg[1], seg[2], seg[3], seg[4], seg[5], seg[6], seg[7],
                new X86DescriptorTable(sregs.getAtIndex(JAVA_LONG, t), (int) sregs.getAtIndex(JAVA_LONG, t + 1) & 0xffff),
                new X86DescriptorTable(sregs.getAtIndex(JAVA_LONG, t + 2), (int) sregs.getAtIndex(JAVA_LONG, t + 3) & 0xffff),
                sregs.getAtIndex(JAVA_LONG, t + 4), sregs.getAtIndex(JAVA_LONG, t + 5), sregs.getAtIndex(JAVA_LONG, t + 6),
                sregs.getAtIndex(JAVA_LONG, t + 7), sregs.getAtIndex(JAVA_LONG, t + 8), sregs.getAtIndex(JAVA_LONG, t + 9),
                sregs.getAtIndex(JAVA_LONG, t + 10));
    }

    /** Writes the segment, descriptor-table and control registers. */
    public void setSpecialRegisters(X86SpecialRegisters s) {
        X86Segment[] seg = {s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(), s.ldt()};
        for (int i = 0; i < 8; i++) {
            sregs.setAtIndex(JAVA_LONG, 3 * i, seg[i].base());
            sregs.setAtIndex(JAVA_LONG, 3 * i + 1, seg[i].limit());
            sregs.setAtIndex(JAVA_LONG, 3 * i + 2, seg[i].attributes());
        }
        long[] tail = {s.gdt().base(), s.gdt().limit(), s.idt().base(), s.idt().limit(), s.cr0(), s.cr2(), s.cr3(),
            s.cr4(), s.cr8(), s.efer(), s.apicBase()};
        for (int i = 0; i < tail.length; i++) {
            sregs.setAtIndex(JAVA_LONG, 24 + i, tail[i]);
        }
        Shim.check(X86Shim.setSregs(kvm.fd(), sregs), "KVM_SET_SREGS(vCPU " + vcpuId + ")");
    }

    /** Reads a model-specific register. */
    public long getMsr(int index) {
        Shim.check(X86Shim.getMsr(kvm.fd(), index, msrValue), String.format("KVM_GET_MSRS(0x%x)", index));
        return msrValue.get(JAVA_LONG, 0);
    }

    /** Writes a model-specific register. */
    public void setMsr(int index, long value) {
        Shim.check(X86Shim.setMsr(kvm.fd(), index, value), String.format("KVM_SET_MSRS(0x%x)", index));
    }

    // ---- snapshot state ---------------------------------------------------------------------

    /**
     * Encoding 1: the version byte, the part count, each {@link X86VcpuPart} in declaration order
     * as a length-prefixed block of KVM's struct, the MSR count and (index, value) pairs, then the
     * four words of vectors waiting for injection (user-space interrupt path).
     */
    @Override
    public byte[] saveState() {
        if (stringNext < stringCount) {
            throw new IllegalStateException("vCPU " + vcpuId + " is in the middle of a string I/O instruction");
        }
        kvm.completePendingExit();
        Map<X86VcpuPart, byte[]> parts = new EnumMap<>(X86VcpuPart.class);
        for (X86VcpuPart p : X86VcpuPart.BEFORE_MSRS) {
            parts.put(p, getPart(p));
        }
        X86Msrs.Values msrs = X86Msrs.read(kvm.fd(), vm.msrList());
        parts.put(X86VcpuPart.EVENTS, getPart(X86VcpuPart.EVENTS));
        StateWriter w = new StateWriter(STATE_VERSION).putByte(parts.size());
        parts.values().forEach(w::putBlock);
        w.putInt(msrs.indices().length);
        for (int i = 0; i < msrs.indices().length; i++) {
            w.putInt(msrs.indices()[i]).putLong(msrs.values()[i]);
        }
        for (int i = 0; i < pendingVectors.length(); i++) {
            w.putLong(pendingVectors.get(i));
        }
        return w.toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        String what = "x86 vCPU " + vcpuId + " state";
        StateReader r = new StateReader(what, state, STATE_VERSION);
        int count = r.getByte("part count");
        if (count != X86VcpuPart.values().length) {
            throw r.refused(count + " parts at offset 1; encoding 1 has " + X86VcpuPart.values().length);
        }
        Map<X86VcpuPart, byte[]> parts = new EnumMap<>(X86VcpuPart.class);
        for (X86VcpuPart p : X86VcpuPart.values()) {
            parts.put(p, r.getBlock(p.label(), p.size()));
        }
        int n = r.getCount("MSR count", X86Msrs.MAX);
        int[] indices = new int[n];
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            indices[i] = r.getInt("MSR index");
            values[i] = r.getLong("MSR value");
        }
        long[] pending = new long[pendingVectors.length()];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = r.getLong("pending vectors");
        }
        r.end();
        for (X86VcpuPart p : X86VcpuPart.BEFORE_MSRS) {
            setPart(p, parts.get(p), what);
        }
        X86Msrs.write(kvm.fd(), new X86Msrs.Values(indices, values), what);
        setPart(X86VcpuPart.EVENTS, parts.get(X86VcpuPart.EVENTS), what);
        boolean any = false;
        for (int i = 0; i < pending.length; i++) {
            pendingVectors.set(i, pending[i]);
            any |= pending[i] != 0;
        }
        anyPending = any;
        lastExit = LastExit.NONE;
    }

    /** Without an in-kernel irqchip KVM has no LAPIC to report (EINVAL): its part is all zeros. */
    private boolean hasPart(X86VcpuPart p) {
        return p != X86VcpuPart.LAPIC || vm.hasInKernelIrqchip();
    }

    private byte[] getPart(X86VcpuPart p) {
        if (!hasPart(p)) {
            return new byte[p.size()];
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(p.size(), 64);
            Shim.check(X86Shim.getVcpuPart(kvm.fd(), p.ordinal(), buf), "get " + p.label() + " (vCPU " + vcpuId + ")");
            return buf.toArray(JAVA_BYTE);
        }
    }

    private void setPart(X86VcpuPart p, byte[] bytes, String what) {
        if (!hasPart(p)) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(p.size(), 64);
            MemorySegment.copy(bytes, 0, buf, JAVA_BYTE, 0, bytes.length);
            int rc = X86Shim.setVcpuPart(kvm.fd(), p.ordinal(), buf);
            if (rc < 0) {
                throw new IllegalArgumentException(what + ": " + new KvmException("set " + p.label(), -rc).getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        kvm.close();
    }
}
