package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.MappingFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The areas of an address space, sorted and non-overlapping, immutable: every change builds a new
 * index (changes are rare; lookups are on every guest-memory access and must not allocate).
 * Addresses are below 2^50, so signed comparison orders them.
 */
public final class AreaIndex {
    /** No areas. */
    public static final AreaIndex EMPTY = new AreaIndex(new Area[0]);

    private final Area[] areas;
    private final long[] starts;

    private AreaIndex(Area[] areas) {
        this.areas = areas;
        this.starts = new long[areas.length];
        for (int i = 0; i < areas.length; i++) {
            starts[i] = areas[i].start;
        }
    }

    /** The area containing {@code gpa}, or null. Any {@code gpa}, negative included. */
    public Area find(long gpa) {
        int i = Arrays.binarySearch(starts, gpa);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return null;
        }
        Area a = areas[i];
        return gpa < a.end ? a : null;
    }

    /** The first area overlapping {@code [from, to)}, or null. */
    public Area firstOverlapping(long from, long to) {
        for (Area a : areas) {
            if (a.start < to && from < a.end) {
                return a;
            }
        }
        return null;
    }

    /** Every area, in address order. */
    public List<Area> all() {
        return List.of(areas);
    }

    /** The areas overlapping {@code [from, to)}, in address order. */
    public List<Area> overlapping(long from, long to) {
        List<Area> out = new ArrayList<>();
        for (Area a : areas) {
            if (a.start < to && from < a.end) {
                out.add(a);
            }
        }
        return out;
    }

    /** This index plus {@code area}, which must overlap none. */
    public AreaIndex with(Area area) {
        if (firstOverlapping(area.start, area.end) != null) {
            throw new IllegalStateException(area + " overlaps " + firstOverlapping(area.start, area.end));
        }
        Area[] next = Arrays.copyOf(areas, areas.length + 1);
        int at = -Arrays.binarySearch(starts, area.start) - 1;
        System.arraycopy(areas, at, next, at + 1, areas.length - at);
        next[at] = area;
        return new AreaIndex(next);
    }

    /** This index with {@code [from, to)} cut out of every area (areas straddling an end are split). */
    public AreaIndex without(long from, long to) {
        return rebuild(from, to, null);
    }

    /** This index with every area's part inside {@code [from, to)} given {@code flags}. */
    public AreaIndex reflagged(long from, long to, MappingFlags flags) {
        return rebuild(from, to, flags);
    }

    private AreaIndex rebuild(long from, long to, MappingFlags flags) {
        List<Area> out = new ArrayList<>(areas.length + 2);
        for (Area a : areas) {
            if (a.end <= from || to <= a.start) {
                out.add(a);
                continue;
            }
            if (a.start < from) {
                out.add(a.slice(a.start, from));
            }
            if (flags != null) {
                out.add(a.slice(Math.max(a.start, from), Math.min(a.end, to)).withFlags(flags));
            }
            if (to < a.end) {
                out.add(a.slice(to, a.end));
            }
        }
        return new AreaIndex(out.toArray(Area[]::new));
    }
}
