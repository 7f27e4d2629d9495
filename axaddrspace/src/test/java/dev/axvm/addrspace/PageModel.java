package dev.axvm.addrspace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The property tests' reference model of a guest-physical map: a sorted map of runs of 4 KiB
 * pages, each run one kind of backing with one set of flags and (when present) a host address
 * that grows with the page. A run of a frame-backed area is one page long once populated, since
 * its frames are not contiguous.
 */
final class PageModel {
    static final long PAGE = 4096;
    static final long NOT_PRESENT = -1;

    enum Kind { LINEAR_RAM, LINEAR_DEVICE, ALLOC, LAZY }

    /** Pages {@code [start, end)}: host address of {@code start} or {@link #NOT_PRESENT}. */
    record Run(long start, long end, Kind kind, MappingFlags flags, long hpa) {
        boolean present() {
            return hpa != NOT_PRESENT;
        }

        boolean isRam() {
            return kind != Kind.LINEAR_DEVICE && !flags.has(MappingFlags.DEVICE_BIT);
        }

        long translate(long gpa) {
            return present() ? hpa + (gpa - start) : NOT_PRESENT;
        }

        Run slice(long from, long to) {
            return new Run(from, to, kind, flags, present() ? hpa + (from - start) : NOT_PRESENT);
        }

        Run withFlags(MappingFlags f) {
            return new Run(start, end, kind, f, hpa);
        }
    }

    private final TreeMap<Long, Run> runs = new TreeMap<>();

    /** The run containing {@code gpa}, or null. */
    Run at(long gpa) {
        Map.Entry<Long, Run> e = runs.floorEntry(gpa);
        return e != null && gpa < e.getValue().end ? e.getValue() : null;
    }

    boolean overlaps(long from, long to) {
        Map.Entry<Long, Run> below = runs.lowerEntry(from);
        return (below != null && below.getValue().end > from) || !runs.subMap(from, to).isEmpty();
    }

    void add(Run r) {
        if (overlaps(r.start, r.end)) {
            throw new AssertionError("model: " + r + " overlaps");
        }
        runs.put(r.start, r);
    }

    private void splitAt(long x) {
        Map.Entry<Long, Run> e = runs.lowerEntry(x);
        if (e != null && e.getValue().end > x) {
            Run r = e.getValue();
            runs.put(r.start, r.slice(r.start, x));
            runs.put(x, r.slice(x, r.end));
        }
    }

    /** Removes {@code [from, to)}; returns the removed pieces. */
    List<Run> remove(long from, long to) {
        splitAt(from);
        splitAt(to);
        Map<Long, Run> inside = runs.subMap(from, to);
        List<Run> removed = new ArrayList<>(inside.values());
        inside.clear();
        return removed;
    }

    void reflag(long from, long to, MappingFlags flags) {
        splitAt(from);
        splitAt(to);
        for (Map.Entry<Long, Run> e : runs.subMap(from, to).entrySet()) {
            e.setValue(e.getValue().withFlags(flags));
        }
    }

    /** Records that the lazy page at {@code page} now has frame {@code hpa}. */
    void populate(long page, long hpa) {
        Run r = at(page);
        if (r == null || r.kind != Kind.LAZY || r.present()) {
            throw new AssertionError("model: populate of " + r);
        }
        splitAt(page);
        splitAt(page + PAGE);
        runs.put(page, new Run(page, page + PAGE, Kind.LAZY, r.flags, hpa));
    }

    Collection<Run> runs() {
        return runs.values();
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }

    /** A run chosen by index (0 .. size-1). */
    Run nth(int i) {
        int k = 0;
        for (Run r : runs.values()) {
            if (k++ == i) {
                return r;
            }
        }
        throw new IndexOutOfBoundsException(i);
    }

    int size() {
        return runs.size();
    }

    long presentBytes() {
        return runs.values().stream().filter(Run::present).mapToLong(r -> r.end - r.start).sum();
    }
}
