package dev.axvm.vcpu.x86;

/**
 * x86_64 general registers, numbered as the architecture encodes them (the ModRM register
 * numbers), which is also the numbering of {@code setGpr}/{@code getGpr}; then RIP and RFLAGS.
 */
public enum X86Register {
    /** Accumulator; a hypercall's number and return value. */
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
    /** Instruction pointer. */
    RIP,
    /** Flags. */
    RFLAGS;

    private static final X86Register[] ALL = values();

    /** The register with encoding {@code n} (0..17). */
    public static X86Register of(int n) {
        if (n < 0 || n >= ALL.length) {
            throw new IllegalArgumentException("x86 register number " + n + " (expected 0..17: RAX..R15, RIP, RFLAGS)");
        }
        return ALL[n];
    }
}
