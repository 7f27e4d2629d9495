package dev.axvm.kvm;

/** Why {@link KvmVcpu#run()} returned, as the shim classifies KVM's exit reasons. */
public enum KvmExitKind {
    /** Nothing happened (never returned by a successful run). */
    NONE(0),
    /** Port I/O (x86): port, direction, size, count. */
    IO(1),
    /** An access to a guest-physical address no memory slot backs. */
    MMIO(2),
    /** The guest executed HLT (x86). */
    HLT(3),
    /** Triple fault or similar: the vCPU cannot continue (x86). */
    SHUTDOWN(4),
    /** The hardware refused VM entry; see {@link KvmExit#failEntryReason()}. */
    FAIL_ENTRY(5),
    /** KVM could not emulate an instruction or hit an internal error. */
    INTERNAL_ERROR(6),
    /** Interrupted by a signal or a kick before or during guest execution. */
    INTR(7),
    /** A system event: shutdown, reset, crash (PSCI, SBI SRST, ...). */
    SYSTEM_EVENT(8),
    /** A hypercall forwarded by KVM (x86 KVM_EXIT_HYPERCALL). */
    HYPERCALL(9),
    /** The guest can now take an injected interrupt (x86). */
    IRQ_WINDOW_OPEN(10),
    /** An SBI call forwarded to user space (riscv64). */
    RISCV_SBI(11),
    /** A debug exit. */
    DEBUG(12),
    /** An exit reason the shim does not know; see {@link KvmExit#rawReason()}. */
    UNKNOWN(255);

    private static final KvmExitKind[] BY_CODE = new KvmExitKind[256];

    static {
        for (KvmExitKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    KvmExitKind(int code) {
        this.code = code;
    }

    static KvmExitKind of(long code) {
        KvmExitKind k = code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
        return k == null ? UNKNOWN : k;
    }
}
