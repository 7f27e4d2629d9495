package dev.axvm.addrspace.npt;

/**
 * The three mapping sizes every supported format can express with one entry: a 4 KiB page, a
 * 2 MiB block and a 1 GiB block. Used to bound how large a mapping {@link NestedPageTable#map}
 * may choose, and to report what a {@link NestedPageTable#query} found.
 */
public enum PageSize {
    /** 4 KiB: a last-level entry (EPT PTE, AArch64 level-3 page, RISC-V level-0 leaf). */
    SIZE_4K(1L << 12),
    /** 2 MiB: EPT PDE with bit 7, AArch64 level-2 block, RISC-V level-1 megapage. */
    SIZE_2M(1L << 21),
    /** 1 GiB: EPT PDPTE with bit 7, AArch64 level-1 block, RISC-V level-2 gigapage. */
    SIZE_1G(1L << 30);

    private final long bytes;

    PageSize(long bytes) {
        this.bytes = bytes;
    }

    /** The size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** The size whose byte count is {@code bytes}. */
    public static PageSize ofBytes(long bytes) {
        for (PageSize s : values()) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        throw new IllegalArgumentException("no page size of 0x" + Long.toHexString(bytes) + " bytes (4 KiB, 2 MiB or 1 GiB)");
    }
}
