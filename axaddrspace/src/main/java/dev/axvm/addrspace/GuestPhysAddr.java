package dev.axvm.addrspace;

/**
 * A guest-physical address (GPA): what the guest sees as physical memory.
 *
 * @param value the address, read as an unsigned 64-bit number
 */
public record GuestPhysAddr(long value) implements Address {

    /** The address {@code value}. */
    public static GuestPhysAddr of(long value) {
        return new GuestPhysAddr(value);
    }

    /** This address plus {@code offset}; throws {@link ArithmeticException} when it wraps. */
    public GuestPhysAddr add(long offset) {
        return new GuestPhysAddr(Address.add(value, offset));
    }

    /** This address rounded down to {@code align} (a power of two). */
    public GuestPhysAddr alignDown(long align) {
        return new GuestPhysAddr(Address.alignDown(value, align));
    }

    /** This address rounded up to {@code align} (a power of two). */
    public GuestPhysAddr alignUp(long align) {
        return new GuestPhysAddr(Address.alignUp(value, align));
    }

    @Override
    public String toString() {
        return "GPA 0x" + Long.toHexString(value);
    }
}
