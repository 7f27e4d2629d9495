package dev.axvm.config.internal;

/** Numbers as AxVisor's files write them: unsigned hex with an underscore every four digits. */
public final class Addresses {
    private Addresses() {}

    /** {@code value} (unsigned) as {@code 0x8000_0000}. */
    public static String hex(long value) {
        return group(Long.toHexString(value));
    }

    /** The exclusive end of {@code [start, start + size)} (unsigned), which may be 2^64. */
    public static String endHex(long start, long size) {
        long end = start + size;
        return size != 0 && end == 0 ? "0x1_0000_0000_0000_0000" : hex(end);
    }

    /** {@code [start, start + size)} as {@code 0x8000_0000..0x8400_0000}. */
    public static String range(long start, long size) {
        return hex(start) + ".." + endHex(start, size);
    }

    /** Whether {@code [start, start + size)} runs past 2^64 (an end of exactly 2^64 is fine). */
    public static boolean wraps(long start, long size) {
        return size != 0 && Long.compareUnsigned(start + size - 1, start) < 0;
    }

    /** The last address of a non-empty, non-wrapping range. */
    public static long last(long start, long size) {
        return start + size - 1;
    }

    /** Whether two non-empty, non-wrapping ranges share an address. */
    public static boolean overlap(long aStart, long aSize, long bStart, long bSize) {
        return Long.compareUnsigned(aStart, last(bStart, bSize)) <= 0
                && Long.compareUnsigned(bStart, last(aStart, aSize)) <= 0;
    }

    private static String group(String digits) {
        StringBuilder sb = new StringBuilder(digits.length() + digits.length() / 4 + 2).append("0x");
        int lead = digits.length() % 4;
        if (lead == 0) {
            lead = 4;
        }
        sb.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 4) {
            sb.append('_').append(digits, i, i + 4);
        }
        return sb.toString();
    }
}
