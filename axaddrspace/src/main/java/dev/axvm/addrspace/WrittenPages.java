package dev.axvm.addrspace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

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

    private final ConcurrentSkipListMap<Long, Range> ranges = new ConcurrentSkipListMap<>();

    /** Starts tracking {@code size} bytes of RAM at {@code gpa} (page-aligned), with no page noted. */
    public void track(long gpa, long size) {
        if ((gpa | size) % (1L << PAGE_SHIFT) != 0 || size <= 0) {
            throw new IllegalArgumentException(String.format("RAM at 0x%x, %d bytes: not whole pages", gpa, size));
        }
        long pages = size >>> PAGE_SHIFT;
        ranges.put(gpa, new Range(gpa, size, new long[(int) ((pages + 63) >>> 6)]));
    }

    /** Stops tracking every range. */
    public void clear() {
        ranges.clear();
    }

    /** Notes that {@code length} bytes at {@code gpa} were written; bytes outside every tracked range are ignored. */
    public void note(long gpa, long length) {
        if (length <= 0 || ranges.isEmpty()) {
            return;
        }
        long end = gpa + length;
        Map.Entry<Long, Range> e = ranges.floorEntry(gpa);
        if (e == null) {
            e = ranges.ceilingEntry(gpa); // a write starting below the first range may reach into it
        }
        Range r = e != null ? e.getValue() : null;
        while (r != null && r.gpa < end) {
            long from = Math.max(gpa, r.gpa) - r.gpa;
            long to = Math.min(end, r.gpa + r.size) - r.gpa;
            for (long page = from >>> PAGE_SHIFT; page < (to + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT; page++) {
                WORD.getAndBitwiseOr(r.bits, (int) (page >>> 6), 1L << page);
            }
            Map.Entry<Long, Range> next = ranges.higherEntry(r.gpa);
            r = next != null ? next.getValue() : null;
        }
    }

    /**
     * The pages of the range at {@code gpa} noted since tracking began or the last take, which
     * clears them: bit {@code i % 64} of word {@code i / 64} is the range's page {@code i}.
     *
     * @throws IllegalStateException when no range starts at {@code gpa}
     */
    public long[] take(long gpa) {
        Range r = ranges.get(gpa);
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
