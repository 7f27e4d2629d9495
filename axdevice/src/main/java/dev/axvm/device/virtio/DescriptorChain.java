package dev.axvm.device.virtio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * One request a driver made available: the buffers of a descriptor chain, already checked and
 * resolved to host memory by {@link VirtQueue#pop}. The device-readable buffers come first, then
 * the device-writable ones (the queue refuses chains that mix them otherwise). A device reads the
 * readable part and writes the writable part as two byte streams addressed from 0, without
 * caring where one buffer ends and the next begins.
 *
 * <p>One chain object serves one queue for its whole life: {@link VirtQueue#pop} overwrites it, so
 * a request costs no allocation. Its segments are valid until the device is reset.
 */
public final class DescriptorChain {
    private final MemorySegment[] segments;
    private final ByteBuffer[] buffers;
    // Per index: a view of that buffer's window, kept while the window stays the same, so that
    // several buffers of one window can go into one scattering read without an allocation each.
    private final ByteBuffer[] views;
    private final ByteBuffer[] viewSources;
    private final long[] offsets;
    private final int[] lengths;
    private int count;
    private int firstWritable;
    private int head;
    private long readable;
    private long writable;

    /** A chain of up to {@code capacity} buffers (a queue's maximum size is enough). */
    public DescriptorChain(int capacity) {
        if (capacity < 1 || capacity > VirtQueue.MAX_SIZE) {
            throw new IllegalArgumentException("descriptor chain capacity " + capacity + " is not 1.." + VirtQueue.MAX_SIZE);
        }
        segments = new MemorySegment[capacity];
        buffers = new ByteBuffer[capacity];
        views = new ByteBuffer[capacity];
        viewSources = new ByteBuffer[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
    }

    /** How many buffers the chain can hold. */
    public int capacity() {
        return segments.length;
    }

    /** The head descriptor's index: what {@link VirtQueue#complete} hands back to the driver. */
    public int head() {
        return head;
    }

    /** The number of buffers. */
    public int count() {
        return count;
    }

    /** The total length of the device-readable buffers. */
    public long readableLength() {
        return readable;
    }

    /** The total length of the device-writable buffers. */
    public long writableLength() {
        return writable;
    }

    /** The index of the first device-writable buffer ({@link #count()} when there is none). */
    public int firstWritable() {
        return firstWritable;
    }

    /** Buffer {@code i}'s host memory (the window its guest RAM lies in). */
    public MemorySegment segment(int i) {
        return segments[check(i)];
    }

    /** Where buffer {@code i} starts in {@link #segment(int)}. */
    public long offset(int i) {
        return offsets[check(i)];
    }

    /** Buffer {@code i}'s length in bytes. */
    public int length(int i) {
        return lengths[check(i)];
    }


    /**
     * Buffer {@code i}'s bytes from {@code skip} on, at most {@code length} of them, as a byte buffer
     * of its own (position at the first byte, limit after the last), for scattering and gathering
     * I/O; null when its window is larger than 2 GiB. The object is this index's, reused by later
     * requests: use it before the next {@link VirtQueue#pop}.
     */
    public ByteBuffer view(int i, long skip, long length) {
        ByteBuffer source = buffers[check(i)];
        if (source == null) {
            return null;
        }
        if (viewSources[i] != source) {
            views[i] = source.duplicate();
            viewSources[i] = source;
        }
        int start = (int) (offsets[i] + skip);
        int n = (int) Math.min(lengths[i] - skip, length);
        return views[i].clear().position(start).limit(start + n);
    }

    /**
     * Copies up to {@code length} readable bytes from position {@code pos} of the readable stream
     * into {@code dst[offset..]}; returns how many were copied (fewer at the stream's end).
     */
    public int read(long pos, byte[] dst, int offset, int length) {
        return transfer(pos, dst, offset, length, 0, firstWritable, false);
    }

    /**
     * Copies up to {@code length} bytes from {@code src[offset..]} to position {@code pos} of the
     * writable stream; returns how many were copied (fewer at the stream's end).
     */
    public int write(long pos, byte[] src, int offset, int length) {
        return transfer(pos, src, offset, length, firstWritable, count, true);
    }

    private int transfer(long pos, byte[] array, int offset, int length, int from, int to, boolean toGuest) {
        java.util.Objects.checkFromIndexSize(offset, length, array.length);
        int done = 0;
        long skip = pos;
        for (int i = from; i < to && done < length; i++) {
            if (skip >= lengths[i]) {
                skip -= lengths[i];
                continue;
            }
            int n = (int) Math.min(lengths[i] - skip, length - done);
            long at = offsets[i] + skip;
            if (toGuest) {
                MemorySegment.copy(array, offset + done, segments[i], ValueLayout.JAVA_BYTE, at, n);
            } else {
                MemorySegment.copy(segments[i], ValueLayout.JAVA_BYTE, at, array, offset + done, n);
            }
            done += n;
            skip = 0;
        }
        return done;
    }

    private int check(int i) {
        return java.util.Objects.checkIndex(i, count);
    }

    void start(int headIndex) {
        head = headIndex;
        count = 0;
        firstWritable = 0;
        readable = 0;
        writable = 0;
    }

    /** Appends a buffer; the queue has checked order, capacity and bounds. */
    void add(MemorySegment segment, ByteBuffer buffer, long offset, int length, boolean deviceWritable) {
        segments[count] = segment;
        buffers[count] = buffer;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
        if (deviceWritable) {
            writable += length;
        } else {
            readable += length;
            firstWritable = count;
        }
    }

    /** Drops every reference into guest memory (the device is being reset). */
    public void reset() {
        java.util.Arrays.fill(segments, null);
        java.util.Arrays.fill(buffers, null);
        java.util.Arrays.fill(views, null);
        java.util.Arrays.fill(viewSources, null);
        count = 0;
        firstWritable = 0;
        readable = 0;
        writable = 0;
    }
}
