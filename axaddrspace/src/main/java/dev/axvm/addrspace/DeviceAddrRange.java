package dev.axvm.addrspace;

/**
 * A non-empty, inclusive range of device addresses of one kind (guest-physical, port or
 * system-register). Ranges are compared as unsigned numbers, so {@code last} may be 2^64-1.
 */
public sealed interface DeviceAddrRange permits GuestPhysAddrRange, PortRange, SysRegAddrRange {
    /** The first address. */
    long start();

    /** The last address (inclusive). */
    long last();

    /** Whether {@code addr} lies inside. */
    default boolean contains(long addr) {
        return Long.compareUnsigned(addr, start()) >= 0 && Long.compareUnsigned(addr, last()) <= 0;
    }

    /** Whether this range and {@code other} share an address. */
    default boolean overlaps(DeviceAddrRange other) {
        return Long.compareUnsigned(start(), other.last()) <= 0 && Long.compareUnsigned(other.start(), last()) <= 0;
    }
}
