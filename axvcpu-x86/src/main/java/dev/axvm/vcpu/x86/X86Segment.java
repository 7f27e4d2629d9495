package dev.axvm.vcpu.x86;

/**
 * A segment register with its hidden descriptor cache, as VT-x/SVM hold it.
 *
 * @param base linear base
 * @param limit limit in bytes (already scaled when {@code g} is set)
 * @param selector the visible selector
 * @param type descriptor type (4 bits: code/data, accessed, read/write, conforming/expand-down)
 * @param present P
 * @param dpl privilege level
 * @param db default operation size (32-bit)
 * @param s code/data (true) or system (false) descriptor
 * @param l 64-bit code
 * @param g granularity (4 KiB)
 * @param avl available bit
 * @param unusable VT-x's "unusable" (a null selector loaded)
 */
public record X86Segment(long base, long limit, int selector, int type, boolean present, int dpl, boolean db, boolean s,
        boolean l, boolean g, boolean avl, boolean unusable) {

    /** Checks the field widths. */
    public X86Segment {
        if (limit < 0 || limit > 0xffff_ffffL || selector < 0 || selector > 0xffff || type < 0 || type > 0xf || dpl < 0 || dpl > 3) {
            throw new IllegalArgumentException("segment fields out of range: " + this);
        }
    }

    /** A 16-bit real-mode segment: base = selector * 16, 64 KiB limit. */
    public static X86Segment realMode(int selector, boolean code) {
        return new X86Segment((long) selector << 4, 0xffff, selector, code ? 0xb : 0x3, true, 0, false, true, false, false,
                false, false);
    }

    /** A flat 4 GiB segment for protected or long mode. */
    public static X86Segment flat(int selector, boolean code, boolean longMode) {
        return new X86Segment(0, 0xffff_ffffL, selector, code ? 0xb : 0x3, true, 0, !(code && longMode), true,
                code && longMode, true, false, false);
    }

    /** The busy 64-bit TSS the CPU needs in protected and long mode (a dummy: no task switches happen). */
    public static X86Segment tss(int selector) {
        return new X86Segment(0, 0x67, selector, 0xb, true, 0, false, false, false, false, false, false);
    }

    long attributes() {
        return selector | (long) type << 16 | bit(present) << 20 | (long) dpl << 21 | bit(db) << 23 | bit(s) << 24
                | bit(l) << 25 | bit(g) << 26 | bit(avl) << 27 | bit(unusable) << 28;
    }

    static X86Segment of(long base, long limit, long attr) {
        return new X86Segment(base, limit & 0xffff_ffffL, (int) (attr & 0xffff), (int) (attr >>> 16) & 0xf,
                (attr >>> 20 & 1) != 0, (int) (attr >>> 21) & 3, (attr >>> 23 & 1) != 0, (attr >>> 24 & 1) != 0,
                (attr >>> 25 & 1) != 0, (attr >>> 26 & 1) != 0, (attr >>> 27 & 1) != 0, (attr >>> 28 & 1) != 0);
    }

    private static long bit(boolean b) {
        return b ? 1 : 0;
    }
}
