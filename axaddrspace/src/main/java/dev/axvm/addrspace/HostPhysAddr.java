package dev.axvm.addrspace;

/**
 * A host-physical address (HPA): a frame as the host's paging handler names it; for a user-space host it equals the host-virtual address.
 *
 * @param value the address, read as an unsigned 64-bit number
 */
public record HostPhysAddr(long value) implements Address {

    /** The address {@code value}. */
    public static HostPhysAddr of(long value) {
        return new HostPhysAddr(value);
    }

    /** This address plus {@code offset}; throws {@link ArithmeticException} when it wraps. */
    public HostPhysAddr add(long offset) {
        return new HostPhysAddr(Address.add(value, offset));
    }

    /** This address rounded down to {@code align} (a power of two). */
    public HostPhysAddr alignDown(long align) {
        return new HostPhysAddr(Address.alignDown(value, align));
    }

    /** This address rounded up to {@code align} (a power of two). */
    public HostPhysAddr alignUp(long align) {
        return new HostPhysAddr(Address.alignUp(value, align));
    }

    @Override
    public String toString() {
        return "HPA 0x" + Long.toHexString(value);
    }
}
