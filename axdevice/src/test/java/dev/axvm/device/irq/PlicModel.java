package dev.axvm.device.irq;

/**
 * The PLIC as the specification and QEMU describe it, written as plainly as possible (one boolean
 * per bit, loops instead of masks) for the model tests to compare {@link Plic} against. Pending is
 * not stored: a source is pending while its line is high and it is not claimed.
 */
final class PlicModel {
    final int sources;
    final int contexts;
    final boolean[] line;
    final boolean[] claimed;
    final int[] priority;
    final boolean[][] enabled;
    final int[] threshold;

    PlicModel(int sources, int harts) {
        this.sources = sources;
        this.contexts = 2 * harts;
        line = new boolean[sources];
        claimed = new boolean[sources];
        priority = new int[sources];
        enabled = new boolean[contexts][sources];
        threshold = new int[contexts];
    }

    boolean exists(long source) {
        return source >= 1 && source < sources;
    }

    boolean pending(int source) {
        return exists(source) && line[source] && !claimed[source];
    }

    void setLine(int source, boolean level) {
        if (exists(source)) {
            line[source] = level;
        }
    }

    /** The source context {@code c} would claim now, or 0. */
    int best(int c) {
        int best = 0;
        for (int s = 1; s < sources; s++) {
            if (pending(s) && enabled[c][s] && priority[s] > threshold[c] && (best == 0 || priority[s] > priority[best])) {
                best = s;
            }
        }
        return best;
    }

    boolean output(int c) {
        return best(c) != 0;
    }

    /** A 32-bit read at {@code offset}, with a claim's side effect. */
    long read(long offset) {
        if (offset < 0x1000) {
            long s = offset / 4;
            return exists(s) ? priority[(int) s] : 0;
        }
        if (offset < 0x1080) {
            return bits(offset - 0x1000, this::pending);
        }
        if (offset >= 0x2000 && offset < 0x2000 + 0x80L * 15872) {
            long c = (offset - 0x2000) / 0x80;
            if (c >= contexts) {
                return 0;
            }
            return bits((offset - 0x2000) % 0x80, s -> enabled[(int) c][s]);
        }
        if (offset >= 0x20_0000) {
            long c = (offset - 0x20_0000) / 0x1000;
            long reg = (offset - 0x20_0000) % 0x1000;
            if (c < contexts && reg == 0) {
                return threshold[(int) c];
            }
            if (c < contexts && reg == 4) {
                int s = best((int) c);
                if (s != 0) {
                    claimed[s] = true;
                }
                return s;
            }
        }
        return 0;
    }

    /** A 32-bit write of {@code value} at {@code offset}. */
    void write(long offset, long value) {
        if (offset < 0x1000) {
            long s = offset / 4;
            if (exists(s)) {
                priority[(int) s] = (int) (value % 8);
            }
        } else if (offset >= 0x2000 && offset < 0x2000 + 0x80L * 15872) {
            long c = (offset - 0x2000) / 0x80;
            long word = ((offset - 0x2000) % 0x80) / 4;
            if (c < contexts) {
                for (int b = 0; b < 32; b++) {
                    long s = word * 32 + b;
                    if (exists(s)) {
                        enabled[(int) c][(int) s] = ((value >>> b) & 1) != 0;
                    }
                }
            }
        } else if (offset >= 0x20_0000) {
            long c = (offset - 0x20_0000) / 0x1000;
            long reg = (offset - 0x20_0000) % 0x1000;
            if (c < contexts && reg == 0) {
                threshold[(int) c] = (int) (value % 8);
            } else if (c < contexts && reg == 4 && exists(value) && enabled[(int) c][(int) value]) {
                claimed[(int) value] = false;
            }
        }
    }

    void reset() {
        for (int s = 0; s < sources; s++) {
            claimed[s] = false;
            priority[s] = 0;
        }
        for (int c = 0; c < contexts; c++) {
            threshold[c] = 0;
            enabled[c] = new boolean[sources];
        }
    }

    private interface SourceBit {
        boolean test(int source);
    }

    /** The 32-bit word of per-source bits at byte {@code offset} of a bit array. */
    private long bits(long offset, SourceBit bit) {
        long word = offset / 4;
        long v = 0;
        for (int b = 0; b < 32; b++) {
            long s = word * 32 + b;
            if (exists(s) && bit.test((int) s)) {
                v |= 1L << b;
            }
        }
        return v;
    }
}
