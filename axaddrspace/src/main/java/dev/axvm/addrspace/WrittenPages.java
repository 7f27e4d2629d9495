package dev.axvm.addrspace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The guest pages the host wrote (device emulation: virtio buffers and rings, loaders), one bit
 * per 4 KiB page of each tracked RAM range: the half of dirty-page tracking the hypervisor cannot
 * see, since it logs only the guest's own writes. Any thread may {@link #note} while another
 * {@link #take}s; a note is never lost, at worst it lands in the next take.
 */
public final class WrittenPages {
    private static final int PAGE_SHIFT = 12;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    private record Range(long gpa, long size, long[] bits) {}

    private static final Range[] NONE = {};

    /** Sorted by GPA, replaced whole when tracking changes: {@link #note} reads it without a lock or an allocation. */
    private volatile Range[] ranges = NONE;

    /** Starts tracking {@code size} bytes of RAM at {@code gpa} (page-aligned), with no page noted. */
    public synchronized void track(long gpa, long size) {
        if ((gpa | size) % (1L << PAGE_SHIFT) != 0 || size <= 0) {
            throw new IllegalArgumentException(String.format("RAM at 0x%x, %d bytes: not whole pages", gpa, size));
        }
        long pages = size >>> PAGE_SHIFT;
        Range added = new Range(gpa, size, new long[(int) ((pages + 63) >>> 6)]);
        Range[] next = Arrays.stream(ranges).filter(r -> r.gpa != gpa).toArray(Range[]::new);
        next = Arrays.copyOf(next, next.length + 1);
        next[next.length - 1] = added;
        Arrays.sort(next, Comparator.comparingLong(Range::gpa));
        ranges = next;
    }

    /** Stops tracking every range. */
    public synchronized void clear() {
        ranges = NONE;
    }

    /** Notes that {@code length} bytes at {@code gpa} were written; bytes outside every tracked range are ignored. */
    public void note(long gpa, long length) {
        Range[] rs = ranges;
        if (length <= 0 || rs.length == 0) {
            return;
        }
        long end = gpa + length;
        // The last range starting at or below gpa (or the first: a write from below may reach into it).
        int i = 0;
        for (int lo = 0, hi = rs.length - 1; lo <= hi; ) {
            int mid = (lo + hi) >>> 1;
            if (rs[mid].gpa <= gpa) {
                i = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (; i < rs.length && rs[i].gpa < end; i++) {
            Range r = rs[i];
            long from = Math.max(gpa, r.gpa) - r.gpa;
            long to = Math.min(end, r.gpa + r.size) - r.gpa;
            for (long page = from >>> PAGE_SHIFT; page < (to + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT; page++) {
                WORD.getAndBitwiseOr(r.bits, (int) (page >>> 6), 1L << page);
            }
        }
    }

    /**
     * The pages of the range at {@code gpa} noted since tracking began or the last take, which
     * clears them: bit {@code i % 64} of word {@code i / 64} is the range's page {@code i}.
     *
     * @throws IllegalStateException when no range starts at {@code gpa}
     */
    public long[] take(long gpa) {
        Range r = Arrays.stream(ranges).filter(x -> x.gpa == gpa).findFirst().orElse(null);
        if (r == null) {
            throw new IllegalStateException(String.format("no RAM tracked at 0x%x", gpa));
        }
        long[] out = new long[r.bits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) WORD.getAndSet(r.bits, i, 0L);
        }
        return out;
    }
}
