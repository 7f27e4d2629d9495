package dev.axvm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.kvm.internal.ExitRecord;
import java.lang.foreign.MemorySegment;

/**
 * A view of the last exit of one vCPU. There is one instance per vCPU, rewritten by every
 * {@link KvmVcpu#run()}: read what you need before running again. Reading allocates nothing.
 *
 * <p>For reads (port input, MMIO loads, hypercalls, SBI calls) the result handed back with
 * {@code complete*} reaches the guest when the vCPU next runs.
 */
public final class KvmExit {
    private final MemorySegment record;
    private final MemorySegment runArea;

    KvmExit(MemorySegment record, MemorySegment runArea) {
        this.record = record;
        this.runArea = runArea;
    }

    private long word(long offset) {
        return record.get(JAVA_LONG, offset);
    }

    /** What kind of exit this is. */
    public KvmExitKind kind() {
        return KvmExitKind.of(word(ExitRecord.KIND));
    }

    /** KVM's own exit reason number, for diagnostics. */
    public long rawReason() {
        return word(ExitRecord.REASON);
    }

    /** The port (IO) or guest-physical address (MMIO). */
    public long address() {
        return word(ExitRecord.ADDR);
    }

    /** Bytes per access (1, 2, 4 or 8). */
    public int size() {
        return (int) word(ExitRecord.SIZE);
    }

    /** Number of accesses: above 1 for string I/O ({@code rep outsb} and friends). */
    public int count() {
        return (int) word(ExitRecord.COUNT);
    }

    /** Whether the guest wrote (OUT, MMIO store). */
    public boolean isWrite() {
        return word(ExitRecord.WRITE) != 0;
    }

    /** The value the guest wrote (little-endian, {@link #size()} bytes) for single writes. */
    public long data() {
        return word(ExitRecord.DATA);
    }

    /** Offset of the port I/O data inside the run area; string I/O moves {@code size*count} bytes there. */
    public long ioDataOffset() {
        return word(ExitRecord.DATA_OFFSET);
    }

    /** The vCPU's shared run area (string I/O data lives at {@link #ioDataOffset()}). */
    public MemorySegment runArea() {
        return runArea;
    }

    /** x86: the guest can take an injected interrupt right now. */
    public boolean readyForInterruptInjection() {
        return (word(ExitRecord.FLAGS) & ExitRecord.FLAG_READY_FOR_INJECTION) != 0;
    }

    /** x86: the guest's RFLAGS.IF at exit. */
    public boolean interruptsEnabled() {
        return (word(ExitRecord.FLAGS) & ExitRecord.FLAG_IF) != 0;
    }

    /** Raw flag word, architecture-specific bits above bit 7 (x86 hypercall: long mode in bit 8). */
    public long flags() {
        return word(ExitRecord.FLAGS);
    }

    /** Exit-specific argument {@code i} (0..7): hypercall arguments, SBI a0..a5, system-event data, internal-error data. */
    public long arg(int i) {
        if (i < 0 || i >= ExitRecord.ARGS) {
            throw new IndexOutOfBoundsException("exit argument " + i + " (0.." + (ExitRecord.ARGS - 1) + ")");
        }
        return word(ExitRecord.ARG0 + 8L * i);
    }

    /** FAIL_ENTRY: the hardware's entry failure reason. */
    public long failEntryReason() {
        return address();
    }

    /** INTERNAL_ERROR: KVM's sub-error (1 = emulation failure, ...). */
    public long internalSuberror() {
        return address();
    }

    /** SYSTEM_EVENT: what the event means. */
    public KvmSystemEvent systemEvent() {
        return KvmSystemEvent.of(address());
    }

    /** SYSTEM_EVENT: KVM's own event type number, for diagnostics. */
    public long rawSystemEventType() {
        return data();
    }

    /** HYPERCALL: the call number. RISCV_SBI: the extension id. */
    public long callNumber() {
        return address();
    }

    /** RISCV_SBI: the function id. */
    public long sbiFunction() {
        return data();
    }

    /** Extra data words of INTERNAL_ERROR and SYSTEM_EVENT (at most 8 are kept). */
    public int dataWords() {
        return (int) Math.min(word(ExitRecord.COUNT), ExitRecord.ARGS);
    }

    /** Completes a single port read or MMIO load with {@code value} (low {@link #size()} bytes used). */
    public void completeRead(long value) {
        record.set(JAVA_LONG, ExitRecord.DATA, value);
        record.set(JAVA_LONG, ExitRecord.PENDING, 1L);
    }

    /** Completes a forwarded hypercall with its return value. */
    public void completeHypercall(long ret) {
        completeRead(ret);
    }

    /** Completes a forwarded SBI call: {@code error} to a0, {@code value} to a1. */
    public void completeSbi(long error, long value) {
        record.set(JAVA_LONG, ExitRecord.DATA2, value);
        completeRead(error);
    }
}
