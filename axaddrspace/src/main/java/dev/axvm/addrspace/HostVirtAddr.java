package dev.axvm.addrspace;

/**
 * A host-virtual address (HVA): where the host process sees a byte.
 *
 * @param value the address, read as an unsigned 64-bit number
 */
public record HostVirtAddr(long value) implements Address {

    /** The address {@code value}. */
    public static HostVirtAddr of(long value) {
        return new HostVirtAddr(value);
    }

    /** This address plus {@code offset}; throws {@link ArithmeticException} when it wraps. */
    public HostVirtAddr add(long offset) {
        return new HostVirtAddr(Address.add(value, offset));
    }

    /** This address rounded down to {@code align} (a power of two). */
    public HostVirtAddr alignDown(long align) {
        return new HostVirtAddr(Address.alignDown(value, align));
    }

    /** This address rounded up to {@code align} (a power of two). */
    public HostVirtAddr alignUp(long align) {
        return new HostVirtAddr(Address.alignUp(value, align));
    }

    @Override
    public String toString() {
        return "HVA 0x" + Long.toHexString(value);
    }
}
