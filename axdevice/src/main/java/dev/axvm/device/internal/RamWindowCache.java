package dev.axvm.device.internal;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.RamWindow;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The few {@link RamWindow}s a device's buffers fall into, looked up once per RAM region instead
 * of through the address space's lock per access. A guest's RAM is a handful of regions, so a
 * small table searched linearly beats anything cleverer; a miss asks the guest memory and replaces
 * the oldest entry. Each window also carries a {@link ByteBuffer} over it (null above 2 GiB) for
 * positional file I/O straight into guest RAM. Not thread-safe: its device serialises use, and
 * {@link #clear()}s it before the RAM behind it goes away.
 */
public final class RamWindowCache {
    private static final int SLOTS = 8;

    private final long[] starts = new long[SLOTS];
    private final long[] sizes = new long[SLOTS];
    private final MemorySegment[] segments = new MemorySegment[SLOTS];
    private final ByteBuffer[] buffers = new ByteBuffer[SLOTS];
    private int used;
    private int next;
    private int hit = -1;

    /**
     * Finds the window that holds all of {@code [gpa, gpa + length)} ({@code length} &ge; 0), asking
     * {@code memory} on a miss. Returns false when no single window holds it: not RAM, a hole, or
     * two regions not contiguous in host memory. After true, {@link #segment()}, {@link #offset(long)}
     * and {@link #buffer()} describe the hit.
     */
    public boolean find(GuestMemory memory, long gpa, long length) {
        for (int i = 0; i < used; i++) {
            if (holds(i, gpa, length)) {
                hit = i;
                return true;
            }
        }
        RamWindow w = memory.ramWindow(gpa);
        if (w == null || !w.contains(gpa, length)) {
            return false;
        }
        int slot;
        if (used < SLOTS) {
            slot = used++;
        } else {
            slot = next; // a guest can force misses without end (buffers in many pages of an allocated area)
            next = (next + 1) % SLOTS;
        }
        starts[slot] = w.gpa();
        sizes[slot] = w.segment().byteSize();
        segments[slot] = w.segment();
        buffers[slot] = sizes[slot] <= Integer.MAX_VALUE ? w.segment().asByteBuffer() : null;
        hit = slot;
        return true;
    }

    private boolean holds(int i, long gpa, long length) {
        long off = gpa - starts[i];
        return Long.compareUnsigned(gpa, starts[i]) >= 0 && Long.compareUnsigned(off, sizes[i]) <= 0
                && Long.compareUnsigned(length, sizes[i] - off) <= 0;
    }

    /** The last hit's segment. */
    public MemorySegment segment() {
        return segments[hit];
    }

    /** The offset of {@code gpa} in the last hit's segment. */
    public long offset(long gpa) {
        return gpa - starts[hit];
    }

    /** A buffer over the last hit's whole segment, or null when it is larger than 2 GiB. */
    public ByteBuffer buffer() {
        return buffers[hit];
    }

    /** Forgets every window: call it before the RAM behind them is unmapped. */
    public void clear() {
        for (int i = 0; i < SLOTS; i++) {
            segments[i] = null;
            buffers[i] = null;
        }
        used = 0;
        next = 0;
        hit = -1;
    }
}
