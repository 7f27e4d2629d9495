package dev.axvm.vcpu.riscv;

/**
 * The riscv64 registers this backend reads and writes through KVM's ONE_REG interface, in the
 * shim's numbering ({@code enum axvm_riscv_reg}). {@code x1..x31} keep their architectural
 * numbers ({@code setGpr}/{@code getGpr} use them); number 0, where the hard-wired zero register
 * would be, is the PC. Then the privilege mode and the S-mode CSRs KVM keeps for the guest.
 */
public enum RiscvRegister {
    /** Program counter (the guest's sepc while it is not running). */
    PC,
    /** x1: return address. */
    RA,
    /** x2: stack pointer. */
    SP,
    /** x3: global pointer. */
    GP,
    /** x4: thread pointer. */
    TP,
    /** x5..x7: temporaries. */
    T0, T1, T2,
    /** x8..x9: saved registers (s0 is the frame pointer). */
    S0, S1,
    /** x10..x17: arguments; a0/a1 carry the hart id and DTB at boot and an SBI call's results. */
    A0, A1, A2, A3, A4, A5, A6, A7,
    /** x18..x27: saved registers. */
    S2, S3, S4, S5, S6, S7, S8, S9, S10, S11,
    /** x28..x31: temporaries. */
    T3, T4, T5, T6,
    /** Privilege mode: 1 supervisor, 0 user (KVM_RISCV_MODE_*). */
    MODE,
    /** Supervisor status. */
    SSTATUS,
    /** Supervisor interrupt enable. */
    SIE,
    /** Supervisor trap vector. */
    STVEC,
    /** Supervisor scratch. */
    SSCRATCH,
    /** Supervisor exception PC. */
    SEPC,
    /** Supervisor trap cause. */
    SCAUSE,
    /** Supervisor trap value. */
    STVAL,
    /** Supervisor interrupt pending. */
    SIP,
    /** Supervisor address translation and protection. */
    SATP;

    private static final RiscvRegister[] ALL = values();

    /** General register {@code xn} (1..31; x0 is hard-wired to zero). */
    public static RiscvRegister x(int n) {
        if (n < 1 || n > 31) {
            throw new IllegalArgumentException("riscv64 general register x" + n + " (expected x1..x31; x0 is always zero)");
        }
        return ALL[n];
    }

    /** The shim's number of this register. */
    public int number() {
        return ordinal();
    }

    /** How many registers the shim knows. */
    public static int count() {
        return ALL.length;
    }
}
