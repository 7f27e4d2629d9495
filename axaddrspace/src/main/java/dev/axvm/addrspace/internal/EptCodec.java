package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.MappingFlags;

/** Intel EPT entries (SDM vol. 3C, "EPT Translation Mechanism", tables of EPT entry formats). */
public final class EptCodec implements EntryCodec {
    static final long READ = 1L;
    static final long WRITE = 1L << 1;
    static final long EXECUTE = 1L << 2;
    static final int MEMORY_TYPE_SHIFT = 3;
    static final long MEMORY_TYPE_MASK = 7L << MEMORY_TYPE_SHIFT;
    static final long TYPE_UC = 0;
    static final long TYPE_WC = 1;
    static final long TYPE_WB = 6;
    static final long IGNORE_PAT = 1L << 6;
    static final long LARGE_PAGE = 1L << 7;
    static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;
    /** EPTP bits 5:3: page-walk length minus one. */
    static final long EPTP_WALK_4 = 3L << 3;

    @Override
    public long tableEntry(long tableHpa) {
        // Non-leaf entries allow everything: the leaf alone decides, as the permissions of all levels are ANDed.
        return tableHpa | READ | WRITE | EXECUTE;
    }

    @Override
    public long leafEntry(long hpa, int flags, boolean lastLevel) {
        long e = hpa | IGNORE_PAT;
        if ((flags & MappingFlags.READ_BIT) != 0) {
            e |= READ;
        }
        if ((flags & MappingFlags.WRITE_BIT) != 0) {
            e |= WRITE;
        }
        if ((flags & MappingFlags.EXECUTE_BIT) != 0) {
            e |= EXECUTE;
        }
        long type = (flags & MappingFlags.DEVICE_BIT) != 0 ? TYPE_UC
                : (flags & MappingFlags.UNCACHED_BIT) != 0 ? TYPE_WC : TYPE_WB;
        e |= type << MEMORY_TYPE_SHIFT;
        if (!lastLevel) {
            e |= LARGE_PAGE;
        }
        return e;
    }

    @Override
    public boolean isPresent(long entry) {
        return (entry & (READ | WRITE | EXECUTE)) != 0;
    }

    @Override
    public boolean isLeaf(long entry, boolean lastLevel) {
        return lastLevel || (entry & LARGE_PAGE) != 0;
    }

    @Override
    public long address(long entry) {
        return entry & ADDRESS_MASK;
    }

    @Override
    public int flags(long entry) {
        int f = 0;
        if ((entry & READ) != 0) {
            f |= MappingFlags.READ_BIT;
        }
        if ((entry & WRITE) != 0) {
            f |= MappingFlags.WRITE_BIT;
        }
        if ((entry & EXECUTE) != 0) {
            f |= MappingFlags.EXECUTE_BIT;
        }
        long type = (entry & MEMORY_TYPE_MASK) >>> MEMORY_TYPE_SHIFT;
        if (type == TYPE_UC) {
            f |= MappingFlags.DEVICE_BIT;
        } else if (type == TYPE_WC) {
            f |= MappingFlags.UNCACHED_BIT;
        }
        return f;
    }

    @Override
    public long rootRegister(long rootHpa) {
        return rootHpa | EPTP_WALK_4 | TYPE_WB;
    }
}
