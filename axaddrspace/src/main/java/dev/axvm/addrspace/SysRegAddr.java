package dev.axvm.addrspace;

/**
 * The address of a system register as the architecture encodes it for trapping: an AArch64
 * (op0, op1, CRn, CRm, op2) encoding, a RISC-V CSR number, or an x86 MSR index.
 *
 * @param value the encoded register address
 */
public record SysRegAddr(long value) {
    /** The register address {@code value}. */
    public static SysRegAddr of(long value) {
        return new SysRegAddr(value);
    }

    @Override
    public String toString() {
        return "sysreg 0x" + Long.toHexString(value);
    }
}
