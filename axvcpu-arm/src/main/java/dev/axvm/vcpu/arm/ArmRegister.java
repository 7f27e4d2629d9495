package dev.axvm.vcpu.arm;

/**
 * The aarch64 registers this backend reads and writes through KVM's ONE_REG interface, in the
 * shim's numbering ({@code enum axvm_arm64_reg}): {@code X0..X30} are 0..30, which is also the
 * numbering of {@code setGpr}/{@code getGpr}; then the other core registers and the EL1 system
 * registers a boot or a diagnosis needs.
 */
public enum ArmRegister {
    /** Argument/result registers (x0 is the boot argument and a call's result). */
    X0, X1, X2, X3, X4, X5, X6, X7,
    /** Indirect result, temporaries. */
    X8, X9, X10, X11, X12, X13, X14, X15, X16, X17, X18,
    /** Callee-saved. */
    X19, X20, X21, X22, X23, X24, X25, X26, X27, X28,
    /** Frame pointer. */
    X29,
    /** Link register. */
    X30,
    /** The EL0 stack pointer (KVM's {@code regs.sp}). */
    SP_EL0,
    /** Program counter. */
    PC,
    /** Processor state (SPSR layout: mode, DAIF, condition flags). */
    PSTATE,
    /** The EL1 stack pointer. */
    SP_EL1,
    /** EL1 exception link register. */
    ELR_EL1,
    /** EL1 saved program status. */
    SPSR_EL1,
    /** Multiprocessor affinity: the vCPU's identity for PSCI and the GIC. */
    MPIDR_EL1,
    /** EL1 system control (MMU and cache enables). */
    SCTLR_EL1,
    /** EL1 translation control. */
    TCR_EL1,
    /** EL1 translation table base 0. */
    TTBR0_EL1,
    /** EL1 translation table base 1. */
    TTBR1_EL1,
    /** EL1 memory attribute indirection. */
    MAIR_EL1,
    /** EL1 exception vector base. */
    VBAR_EL1,
    /** EL1 exception syndrome. */
    ESR_EL1,
    /** EL1 fault address. */
    FAR_EL1,
    /** EL1 architectural feature access control (FP/SIMD enables). */
    CPACR_EL1,
    /** EL1 software thread id. */
    TPIDR_EL1;

    private static final ArmRegister[] ALL = values();

    /** General register {@code xn} (0..30). */
    public static ArmRegister x(int n) {
        if (n < 0 || n > 30) {
            throw new IllegalArgumentException("aarch64 general register x" + n + " (expected x0..x30)");
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
