package dev.axvm.vcpu.x86;

/**
 * GDTR or IDTR.
 *
 * @param base linear base
 * @param limit limit in bytes minus one (16 bits)
 */
public record X86DescriptorTable(long base, int limit) {
    /** Checks the limit. */
    public X86DescriptorTable {
        if (limit < 0 || limit > 0xffff) {
            throw new IllegalArgumentException("descriptor-table limit 0x" + Integer.toHexString(limit) + " exceeds 16 bits");
        }
    }
}
