package dev.axvm.device.internal;

import java.util.Arrays;

/**
 * An immutable, sorted table of disjoint inclusive ranges of unsigned 64-bit addresses, each with
 * its owner: the structure behind device dispatch. Adding returns a new table, so a registry can
 * publish it through one volatile field while vCPU threads keep reading the old one.
 *
 * <p>Lookup is a branch-free 4-ary search — O(log n), no allocation, no lock. Each step compares
 * the key with three independent pivots and moves to the matching quarter, so the chain of
 * dependent loads is log4 n long instead of binary search's log2 n (5 steps for 1,000 ranges
 * instead of 10); the three loads of a step overlap. The search arrays are padded to a power of
 * four with copies of the last range so that every step splits exactly in quarters: no tail loop,
 * no data-dependent branch. Starts and ends are stored with the sign bit flipped, which turns
 * unsigned order into signed order and lets the search use plain {@code <=}.
 *
 * @param <D> the owner type
 */
public final class RangeTable<D> {
    private static final RangeTable<?> EMPTY = new RangeTable<>(new long[0], new long[0], new Object[0]);

    private final long[] starts;
    private final long[] lasts;
    private final Object[] owners;
    /** {@link #starts} padded to a power of four with copies of the last entry (the search's view). */
    private final long[] searchStarts;
    /** {@link #lasts}, padded alike. */
    private final long[] searchLasts;

    private RangeTable(long[] starts, long[] lasts, Object[] owners) {
        this.starts = starts;
        this.lasts = lasts;
        this.owners = owners;
        int n = starts.length;
        int padded = 1;
        while (padded < n) {
            padded <<= 2;
        }
        searchStarts = Arrays.copyOf(starts, n == 0 ? 0 : padded);
        searchLasts = Arrays.copyOf(lasts, n == 0 ? 0 : padded);
        if (n > 0) {
            Arrays.fill(searchStarts, n, padded, starts[n - 1]);
            Arrays.fill(searchLasts, n, padded, lasts[n - 1]);
        }
    }

    /** The empty table. */
    @SuppressWarnings("unchecked")
    public static <D> RangeTable<D> empty() {
        return (RangeTable<D>) EMPTY;
    }

    /** How many ranges. */
    public int size() {
        return starts.length;
    }

    /** The index of the range that contains {@code addr}, or -1. */
    public int indexOf(long addr) {
        long key = addr ^ Long.MIN_VALUE;
        long[] s = searchStarts;
        int n = s.length;
        if (n == 0) {
            return -1;
        }
        int lo = 0;
        // Invariant: the last entry whose start is <= key, if any, is in [lo, lo + (1 << shift)).
        // Shifting instead of multiplying by the quarter keeps each step's dependent chain short.
        int shift = Integer.numberOfTrailingZeros(n);
        while (shift > 0) {
            shift -= 2;
            int q = 1 << shift;
            int c = (s[lo + q] <= key ? 1 : 0) + (s[lo + 2 * q] <= key ? 1 : 0) + (s[lo + 3 * q] <= key ? 1 : 0);
            lo += c << shift;
        }
        if (s[lo] > key || key > searchLasts[lo]) {
            return -1;
        }
        // A padding entry is a copy of the last range: report the real index.
        return Math.min(lo, starts.length - 1);
    }

    /** The owner of range {@code i}. */
    @SuppressWarnings("unchecked")
    public D owner(int i) {
        return (D) owners[i];
    }

    /** The first address of range {@code i}. */
    public long start(int i) {
        return starts[i] ^ Long.MIN_VALUE;
    }

    /** The last address (inclusive) of range {@code i}. */
    public long last(int i) {
        return lasts[i] ^ Long.MIN_VALUE;
    }

    /**
     * The index of a range that shares an address with {@code [start, last]}, or -1 when none does.
     * {@code start <= last} (unsigned) is the caller's to check.
     */
    public int overlapping(long start, long last) {
        long s = start ^ Long.MIN_VALUE;
        long l = last ^ Long.MIN_VALUE;
        int i = insertionPoint(s);
        // The ranges are disjoint and sorted, so only the neighbours on either side can overlap.
        if (i > 0 && lasts[i - 1] >= s) {
            return i - 1;
        }
        if (i < starts.length && starts[i] <= l) {
            return i;
        }
        return -1;
    }

    /**
     * This table plus {@code [start, last] → owner}.
     *
     * @throws IllegalArgumentException when {@code last < start} (unsigned) or the range overlaps one
     *     already present (the caller checks first with {@link #overlapping} to name the other owner)
     */
    public RangeTable<D> with(long start, long last, D owner) {
        if (Long.compareUnsigned(last, start) < 0) {
            throw new IllegalArgumentException("range 0x" + Long.toHexString(start) + "..0x" + Long.toHexString(last)
                    + " ends before it starts");
        }
        if (overlapping(start, last) >= 0) {
            throw new IllegalArgumentException("range 0x" + Long.toHexString(start) + "..0x" + Long.toHexString(last)
                    + " overlaps a range already in the table");
        }
        long s = start ^ Long.MIN_VALUE;
        int i = insertionPoint(s);
        int n = starts.length;
        long[] ns = new long[n + 1];
        long[] nl = new long[n + 1];
        Object[] no = new Object[n + 1];
        System.arraycopy(starts, 0, ns, 0, i);
        System.arraycopy(lasts, 0, nl, 0, i);
        System.arraycopy(owners, 0, no, 0, i);
        ns[i] = s;
        nl[i] = last ^ Long.MIN_VALUE;
        no[i] = owner;
        System.arraycopy(starts, i, ns, i + 1, n - i);
        System.arraycopy(lasts, i, nl, i + 1, n - i);
        System.arraycopy(owners, i, no, i + 1, n - i);
        return new RangeTable<>(ns, nl, no);
    }

    /** The first index whose (flipped) start is greater than {@code flippedStart}. */
    private int insertionPoint(long flippedStart) {
        int i = Arrays.binarySearch(starts, flippedStart);
        return i >= 0 ? i + 1 : -i - 1;
    }
}
