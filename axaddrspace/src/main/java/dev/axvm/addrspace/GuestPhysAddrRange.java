package dev.axvm.addrspace;

/**
 * A non-empty range of guest-physical addresses {@code [start, start + size)}.
 *
 * @param start the first address
 * @param size bytes, at least 1; the range may not wrap past 2^64
 */
public record GuestPhysAddrRange(long start, long size) implements DeviceAddrRange {
    /** Checks that the range is non-empty and does not wrap. */
    public GuestPhysAddrRange {
        if (size == 0) {
            throw new IllegalArgumentException("empty range at GPA 0x" + Long.toHexString(start));
        }
        if (Long.compareUnsigned(start + size - 1, start) < 0) {
            throw new IllegalArgumentException("range GPA 0x" + Long.toHexString(start) + " + size 0x"
                    + Long.toHexString(size) + " wraps past 2^64");
        }
    }

    /** The range {@code [start, start + size)}. */
    public static GuestPhysAddrRange of(GuestPhysAddr start, long size) {
        return new GuestPhysAddrRange(start.value(), size);
    }

    @Override
    public long last() {
        return start + size - 1;
    }

    @Override
    public String toString() {
        return "GPA [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(start + size) + ")";
    }
}
