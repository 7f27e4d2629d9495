package dev.axvm.addrspace;

/**
 * What the four address types share: a 64-bit value read as unsigned, and alignment helpers.
 * Alignments must be powers of two.
 */
public sealed interface Address permits GuestPhysAddr, GuestVirtAddr, HostPhysAddr, HostVirtAddr {
    /** 4 KiB, the page and frame size everywhere in AxVM. */
    long PAGE_SIZE = 4096;

    /** The raw 64-bit value (unsigned). */
    long value();

    /** Whether the value is a multiple of {@code align}. */
    default boolean isAligned(long align) {
        return (value() & checkAlign(align) - 1) == 0;
    }

    /** Whether the value is 4 KiB aligned. */
    default boolean isPageAligned() {
        return isAligned(PAGE_SIZE);
    }

    /** The offset of the value inside its 4 KiB page. */
    default long pageOffset() {
        return value() & (PAGE_SIZE - 1);
    }

    /** Checks that {@code align} is a power of two and returns it. */
    static long checkAlign(long align) {
        if (align <= 0 || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException("alignment 0x" + Long.toHexString(align) + " is not a power of two");
        }
        return align;
    }

    /** {@code value} rounded down to {@code align}. */
    static long alignDown(long value, long align) {
        return value & -checkAlign(align);
    }

    /**
     * {@code value} rounded up to {@code align}.
     *
     * @throws ArithmeticException when rounding up passes 2^64
     */
    static long alignUp(long value, long align) {
        long mask = checkAlign(align) - 1;
        long up = (value + mask) & ~mask;
        if (Long.compareUnsigned(up, value) < 0) {
            throw new ArithmeticException("0x" + Long.toHexString(value) + " rounded up to 0x"
                    + Long.toHexString(align) + " passes 2^64");
        }
        return up;
    }

    /**
     * {@code value + offset}, unsigned.
     *
     * @throws ArithmeticException when the sum wraps past 2^64 or below 0
     */
    static long add(long value, long offset) {
        long sum = value + offset;
        boolean wrapped = offset >= 0 ? Long.compareUnsigned(sum, value) < 0 : Long.compareUnsigned(sum, value) > 0;
        if (wrapped) {
            throw new ArithmeticException("0x" + Long.toHexString(value) + " + " + offset + " wraps");
        }
        return sum;
    }
}
