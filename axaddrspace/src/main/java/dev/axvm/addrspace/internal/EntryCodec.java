package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.npt.PageTableFormat;

/**
 * How one page-table format writes and reads its 64-bit entries. Flags passed in are already
 * normalized by {@link PageTableFormat#encodedFlags}; an entry of all zero bits is not present in
 * every format, which lets fresh (zeroed) tables start empty.
 */
public sealed interface EntryCodec permits EptCodec, Aarch64Stage2Codec, RiscvGStageCodec {
    /** An entry pointing at the next-level table at {@code tableHpa}. */
    long tableEntry(long tableHpa);

    /**
     * A leaf mapping {@code hpa} with {@code flags} ({@link dev.axvm.addrspace.MappingFlags} bits);
     * {@code lastLevel} selects a page rather than a block encoding.
     */
    long leafEntry(long hpa, int flags, boolean lastLevel);

    /** Whether the hardware would use the entry at all. */
    boolean isPresent(long entry);

    /** Whether a present entry is a leaf (page or block) rather than a pointer to a table. */
    boolean isLeaf(long entry, boolean lastLevel);

    /** The address an entry holds: the next table's, or the mapped page's or block's. */
    long address(long entry);

    /** The {@link dev.axvm.addrspace.MappingFlags} bits a leaf encodes. */
    int flags(long entry);

    /** The root register value for a root table at {@code rootHpa}. */
    long rootRegister(long rootHpa);

    /** The codec of {@code format}. */
    static EntryCodec of(PageTableFormat format) {
        return switch (format) {
            case EPT -> new EptCodec();
            case AARCH64_S2_3L, AARCH64_S2_4L -> new Aarch64Stage2Codec();
            case SV39X4 -> new RiscvGStageCodec(RiscvGStageCodec.HGATP_MODE_SV39X4);
            case SV48X4 -> new RiscvGStageCodec(RiscvGStageCodec.HGATP_MODE_SV48X4);
        };
    }
}
