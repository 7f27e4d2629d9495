package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.MappingFlags;

/** AArch64 VMSAv8-64 stage-2 descriptors, 4 KiB granule (Arm ARM, "Stage 2 ... descriptor" formats). */
public final class Aarch64Stage2Codec implements EntryCodec {
    static final long VALID = 1L;
    /** Bit 1: table at levels 0-2, page at level 3; clear means block at levels 1-2. */
    static final long TABLE_OR_PAGE = 1L << 1;
    static final int MEMATTR_SHIFT = 2;
    static final long MEMATTR_MASK = 0xFL << MEMATTR_SHIFT;
    static final long MEMATTR_NORMAL_WB = 0b1111;
    static final long MEMATTR_DEVICE_NGNRE = 0b0001;
    static final long MEMATTR_NORMAL_NC = 0b0101;
    static final long S2AP_READ = 1L << 6;
    static final long S2AP_WRITE = 1L << 7;
    static final long SH_INNER = 3L << 8;
    static final long AF = 1L << 10;
    static final long XN = 1L << 54;
    static final long ADDRESS_MASK = 0x0000_FFFF_FFFF_F000L;

    @Override
    public long tableEntry(long tableHpa) {
        // Stage-2 table descriptors have no attribute fields (the stage-1 APTable/XNTable bits are RES0 here).
        return tableHpa | TABLE_OR_PAGE | VALID;
    }

    @Override
    public long leafEntry(long hpa, int flags, boolean lastLevel) {
        long e = hpa | VALID | AF | SH_INNER;
        if (lastLevel) {
            e |= TABLE_OR_PAGE;
        }
        if ((flags & MappingFlags.READ_BIT) != 0) {
            e |= S2AP_READ;
        }
        if ((flags & MappingFlags.WRITE_BIT) != 0) {
            e |= S2AP_WRITE;
        }
        if ((flags & MappingFlags.EXECUTE_BIT) == 0) {
            e |= XN;
        }
        long attr = (flags & MappingFlags.DEVICE_BIT) != 0 ? MEMATTR_DEVICE_NGNRE
                : (flags & MappingFlags.UNCACHED_BIT) != 0 ? MEMATTR_NORMAL_NC : MEMATTR_NORMAL_WB;
        return e | attr << MEMATTR_SHIFT;
    }

    @Override
    public boolean isPresent(long entry) {
        return (entry & VALID) != 0;
    }

    @Override
    public boolean isLeaf(long entry, boolean lastLevel) {
        // At level 3, 0b01 is reserved (a translation fault), so only 0b11 is a leaf there.
        return lastLevel == ((entry & TABLE_OR_PAGE) != 0);
    }

    @Override
    public long address(long entry) {
        return entry & ADDRESS_MASK;
    }

    @Override
    public int flags(long entry) {
        int f = 0;
        if ((entry & S2AP_READ) != 0) {
            f |= MappingFlags.READ_BIT;
        }
        if ((entry & S2AP_WRITE) != 0) {
            f |= MappingFlags.WRITE_BIT;
        }
        if ((entry & XN) == 0) {
            f |= MappingFlags.EXECUTE_BIT;
        }
        long attr = (entry & MEMATTR_MASK) >>> MEMATTR_SHIFT;
        if (attr == MEMATTR_DEVICE_NGNRE) {
            f |= MappingFlags.DEVICE_BIT;
        } else if (attr == MEMATTR_NORMAL_NC) {
            f |= MappingFlags.UNCACHED_BIT;
        }
        return f;
    }

    @Override
    public long rootRegister(long rootHpa) {
        return rootHpa;
    }
}
