package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.MappingFlags;

/** RISC-V G-stage PTEs (privileged spec, Sv39/Sv48 PTE format as used by Sv39x4/Sv48x4). */
public final class RiscvGStageCodec implements EntryCodec {
    static final long HGATP_MODE_SV39X4 = 8;
    static final long HGATP_MODE_SV48X4 = 9;
    static final long V = 1L;
    static final long R = 1L << 1;
    static final long W = 1L << 2;
    static final long X = 1L << 3;
    static final long U = 1L << 4;
    static final long A = 1L << 6;
    static final long D = 1L << 7;
    /** RSW bit 8: software's record of DEVICE, ignored by the hardware. */
    static final long RSW_DEVICE = 1L << 8;
    /** RSW bit 9: software's record of UNCACHED, ignored by the hardware. */
    static final long RSW_UNCACHED = 1L << 9;
    static final int PPN_SHIFT = 10;
    static final long PPN_MASK = (1L << 44) - 1;

    private final long mode;

    RiscvGStageCodec(long mode) {
        this.mode = mode;
    }

    private static long ppnField(long hpa) {
        return (hpa >>> 12) << PPN_SHIFT;
    }

    @Override
    public long tableEntry(long tableHpa) {
        // Non-leaf PTEs: R=W=X=0, and D, A, U reserved (must be clear).
        return ppnField(tableHpa) | V;
    }

    @Override
    public long leafEntry(long hpa, int flags, boolean lastLevel) {
        // U: every G-stage access is checked as a U-mode access. A (and D when writable) set up front,
        // so that hardware without A/D updating (Svade) raises no fault for them.
        long e = ppnField(hpa) | V | U | A;
        if ((flags & MappingFlags.READ_BIT) != 0) {
            e |= R;
        }
        if ((flags & MappingFlags.WRITE_BIT) != 0) {
            e |= W | D;
        }
        if ((flags & MappingFlags.EXECUTE_BIT) != 0) {
            e |= X;
        }
        if ((flags & MappingFlags.DEVICE_BIT) != 0) {
            e |= RSW_DEVICE;
        } else if ((flags & MappingFlags.UNCACHED_BIT) != 0) {
            e |= RSW_UNCACHED;
        }
        return e;
    }

    @Override
    public boolean isPresent(long entry) {
        return (entry & V) != 0;
    }

    @Override
    public boolean isLeaf(long entry, boolean lastLevel) {
        return (entry & (R | X)) != 0;
    }

    @Override
    public long address(long entry) {
        return ((entry >>> PPN_SHIFT) & PPN_MASK) << 12;
    }

    @Override
    public int flags(long entry) {
        int f = 0;
        if ((entry & R) != 0) {
            f |= MappingFlags.READ_BIT;
        }
        if ((entry & W) != 0) {
            f |= MappingFlags.WRITE_BIT;
        }
        if ((entry & X) != 0) {
            f |= MappingFlags.EXECUTE_BIT;
        }
        if ((entry & RSW_DEVICE) != 0) {
            f |= MappingFlags.DEVICE_BIT;
        }
        if ((entry & RSW_UNCACHED) != 0) {
            f |= MappingFlags.UNCACHED_BIT;
        }
        return f;
    }

    @Override
    public long rootRegister(long rootHpa) {
        return mode << 60 | rootHpa >>> 12;
    }
}
