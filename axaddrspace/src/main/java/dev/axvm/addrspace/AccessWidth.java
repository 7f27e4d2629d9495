package dev.axvm.addrspace;

/** The width of one device access, as AxVisor names them. */
public enum AccessWidth {
    /** 8 bits. */
    BYTE(1),
    /** 16 bits. */
    WORD(2),
    /** 32 bits. */
    DWORD(4),
    /** 64 bits. */
    QWORD(8);

    private static final AccessWidth[] BY_SIZE = {null, BYTE, WORD, null, DWORD, null, null, null, QWORD};

    private final int size;

    AccessWidth(int size) {
        this.size = size;
    }

    /** Bytes. */
    public int size() {
        return size;
    }

    /** Bits. */
    public int bits() {
        return size * 8;
    }

    /** A mask of the low {@link #bits()} bits. */
    public long mask() {
        return size == 8 ? -1L : (1L << bits()) - 1;
    }

    /** {@code value} truncated to this width. */
    public long truncate(long value) {
        return value & mask();
    }

    /** {@code value}'s low {@link #bits()} bits, sign-extended to 64. */
    public long signExtend(long value) {
        int shift = 64 - bits();
        return (value << shift) >> shift;
    }

    /** The width of {@code size} bytes, or {@code null} when it is not 1, 2, 4 or 8 (no exception: guests pick sizes). */
    public static AccessWidth ofSizeOrNull(int size) {
        return size >= 0 && size < BY_SIZE.length ? BY_SIZE[size] : null;
    }

    /**
     * The width of {@code size} bytes.
     *
     * @throws IllegalArgumentException when {@code size} is not 1, 2, 4 or 8
     */
    public static AccessWidth ofSize(int size) {
        AccessWidth w = ofSizeOrNull(size);
        if (w == null) {
            throw new IllegalArgumentException("access width of " + size + " bytes (expected 1, 2, 4 or 8)");
        }
        return w;
    }
}
