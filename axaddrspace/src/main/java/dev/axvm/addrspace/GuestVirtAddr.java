package dev.axvm.addrspace;

/**
 * A guest-virtual address (GVA): an address inside the guest's own page tables.
 *
 * @param value the address, read as an unsigned 64-bit number
 */
public record GuestVirtAddr(long value) implements Address {

    /** The address {@code value}. */
    public static GuestVirtAddr of(long value) {
        return new GuestVirtAddr(value);
    }

    /** This address plus {@code offset}; throws {@link ArithmeticException} when it wraps. */
    public GuestVirtAddr add(long offset) {
        return new GuestVirtAddr(Address.add(value, offset));
    }

    /** This address rounded down to {@code align} (a power of two). */
    public GuestVirtAddr alignDown(long align) {
        return new GuestVirtAddr(Address.alignDown(value, align));
    }

    /** This address rounded up to {@code align} (a power of two). */
    public GuestVirtAddr alignUp(long align) {
        return new GuestVirtAddr(Address.alignUp(value, align));
    }

    @Override
    public String toString() {
        return "GVA 0x" + Long.toHexString(value);
    }
}
