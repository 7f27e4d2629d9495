package dev.axvm.addrspace;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * A {@link PagingHandler} over one block of native memory: its own, from an {@link Arena}, or a
 * block the caller lends it (for example lazily populated anonymous memory, so that an unused frame
 * costs no RAM: {@link #over(MemorySegment)}). Host-physical
 * addresses are the block's real addresses (as for any user-space host). It counts live frames and
 * refuses double frees and foreign addresses, which makes it the mock HAL of every module's tests;
 * it is equally fit for an embedder that wants a fixed frame budget.
 *
 * <p>Thread-safe. {@link #close()} releases the block; frames still live at that point are leaks,
 * visible as {@link #liveFrames()} before closing.
 */
public final class ArenaPagingHandler implements PagingHandler, AutoCloseable {
    private Runnable beforeAllocation;
    private static final long BLOCK_ALIGN = 1L << 21;

    private final Arena arena; // null when the block is lent by the caller
    private final MemorySegment pool;
    private final long base;
    private final int frames;
    private final long[] used;
    // Frames that may hold non-zero bytes; clean ones are handed out without being written.
    private final long[] dirty;
    private final Consumer<MemorySegment> discardFreed;
    private int live;
    private int hint;
    private boolean closed;

    /** A handler owning {@code bytes} of memory (rounded up to whole frames), 2 MiB aligned. */
    public ArenaPagingHandler(long bytes) {
        if (bytes <= 0 || bytes / FRAME_SIZE > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("frame pool of " + bytes + " bytes (expected 1 .. 8 TiB)");
        }
        this.frames = (int) ((bytes + FRAME_SIZE - 1) / FRAME_SIZE);
        this.arena = Arena.ofShared();
        this.pool = arena.allocate(frames * FRAME_SIZE, BLOCK_ALIGN);
        this.base = pool.address();
        this.used = new long[(frames + 63) / 64];
        this.dirty = new long[used.length];
        this.discardFreed = null;
    }

    private ArenaPagingHandler(MemorySegment block, Consumer<MemorySegment> discardFreed) {
        if (!block.isNative() || block.address() % FRAME_SIZE != 0 || block.byteSize() < FRAME_SIZE
                || block.byteSize() / FRAME_SIZE > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("a frame pool needs a native, 4 KiB aligned block of at least one frame");
        }
        this.frames = (int) (block.byteSize() / FRAME_SIZE);
        this.arena = null;
        this.pool = block.asSlice(0, frames * FRAME_SIZE);
        this.base = pool.address();
        this.used = new long[(frames + 63) / 64];
        this.dirty = new long[used.length];
        this.discardFreed = discardFreed;
    }

    /**
     * A handler over {@code block}, which the caller owns and must keep mapped until this handler is
     * closed (closing it then releases nothing). The block must read as zero when lent (fresh
     * anonymous memory does). Freed frames go to {@code discardFreed}, which must give their pages
     * back to the host so that they read as zero again ({@code madvise(MADV_DONTNEED)} on anonymous
     * memory): then no frame is ever written to be zeroed, and a large guest RAM block costs host
     * memory only for the pages the guest touches.
     */
    public static ArenaPagingHandler over(MemorySegment block, Consumer<MemorySegment> discardFreed) {
        return new ArenaPagingHandler(block, java.util.Objects.requireNonNull(discardFreed, "discardFreed"));
    }

    /** Frames currently handed out. */
    public synchronized int liveFrames() {
        return live;
    }

    /** Frames this handler can hand out in all. */
    public int capacityFrames() {
        return frames;
    }

    /** Whether {@code hpa} lies inside this handler's block. */
    public boolean owns(HostPhysAddr hpa) {
        long off = hpa.value() - base;
        return off >= 0 && off < frames * FRAME_SIZE;
    }

    @Override
    public HostPhysAddr allocFrame() {
        return allocFrames(1, 1);
    }

    /**
     * Runs {@code check} before every allocation from now on (fault injection for tests: it may
     * throw, as an exhausted host would); null removes it.
     */
    public synchronized void beforeEachAllocation(Runnable check) {
        this.beforeAllocation = check;
    }

    @Override
    public synchronized HostPhysAddr allocFrames(int count, int alignFrames) {
        if (count <= 0 || alignFrames <= 0 || Integer.bitCount(alignFrames) != 1) {
            throw new IllegalArgumentException("allocate " + count + " frames aligned to " + alignFrames
                    + " (expected count > 0, alignment a power of two)");
        }
        checkOpen();
        if (beforeAllocation != null) {
            beforeAllocation.run();
        }
        int first = findFree(count, alignFrames, hint);
        if (first < 0) {
            first = findFree(count, alignFrames, 0);
        }
        if (first < 0) {
            throw new FrameAllocationException("no run of " + count + " free frames aligned to " + alignFrames
                    + " (" + live + " of " + frames + " frames in use)");
        }
        zeroDirty(first, count);
        setBits(used, first, count);
        setBits(dirty, first, count);
        live += count;
        hint = first + count;
        return new HostPhysAddr(base + first * FRAME_SIZE);
    }

    private int findFree(int count, int alignFrames, int from) {
        // Alignment is of the real address: the first aligned frame index may not be 0 for alignments above 2 MiB.
        long alignBytes = alignFrames * FRAME_SIZE;
        int phase = (int) (Math.floorMod(-base, alignBytes) / FRAME_SIZE);
        long i = from <= phase ? phase : phase + alignUp(from - phase, alignFrames);
        for (; i + count <= frames; i += alignFrames) {
            int busy = firstBusy((int) i, count);
            if (busy < 0) {
                return (int) i;
            }
            i = phase + alignUp(busy + 1 - phase, alignFrames) - alignFrames;
        }
        return -1;
    }

    private static long alignUp(long v, long align) {
        return (v + align - 1) & -align;
    }

    private int firstBusy(int from, int count) {
        // A word at a time: a 1 GiB block is 262,144 frames.
        int end = from + count;
        for (int i = from; i < end; ) {
            int word = i >>> 6;
            long bits = used[word] & (-1L << (i & 63));
            int wordEnd = Math.min(end, (word + 1) << 6);
            if (bits != 0) {
                int busy = (word << 6) + Long.numberOfTrailingZeros(bits);
                if (busy < wordEnd) {
                    return busy;
                }
            }
            i = wordEnd;
        }
        return -1;
    }

    /** Sets bits {@code [from, from + count)}. */
    private static void setBits(long[] bitmap, int from, int count) {
        applyBits(bitmap, from, count, true);
    }

    /** Clears bits {@code [from, from + count)}. */
    private static void clearBits(long[] bitmap, int from, int count) {
        applyBits(bitmap, from, count, false);
    }

    private static void applyBits(long[] bitmap, int from, int count, boolean set) {
        int end = from + count;
        for (int i = from; i < end; ) {
            int word = i >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            int bitsInWord = wordEnd - i;
            long mask = (bitsInWord == 64 ? -1L : ((1L << bitsInWord) - 1)) << (i & 63);
            bitmap[word] = set ? bitmap[word] | mask : bitmap[word] & ~mask;
            i = wordEnd;
        }
    }

    /** Zeroes the frames of {@code [from, from + count)} that may hold data. */
    private void zeroDirty(int from, int count) {
        int end = from + count;
        for (int i = from; i < end; ) {
            int word = i >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            long bits = dirty[word] & (-1L << (i & 63));
            while (bits != 0) {
                int frame = (word << 6) + Long.numberOfTrailingZeros(bits);
                if (frame >= wordEnd) {
                    break;
                }
                pool.asSlice(frame * FRAME_SIZE, FRAME_SIZE).fill((byte) 0);
                bits &= bits - 1;
            }
            i = wordEnd;
        }
    }

    /** Whether any bit of {@code [from, from + count)} is clear. */
    private boolean anyClear(long[] bitmap, int from, int count) {
        int end = from + count;
        for (int i = from; i < end; ) {
            int word = i >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            int bitsInWord = wordEnd - i;
            long mask = (bitsInWord == 64 ? -1L : ((1L << bitsInWord) - 1)) << (i & 63);
            if ((bitmap[word] & mask) != mask) {
                return true;
            }
            i = wordEnd;
        }
        return false;
    }

    @Override
    public void freeFrame(HostPhysAddr frame) {
        freeFrames(frame, 1);
    }

    @Override
    public synchronized void freeFrames(HostPhysAddr first, int count) {
        checkOpen();
        int index = frameIndex(first);
        if (count <= 0 || (long) index + count > frames) {
            throw new IllegalArgumentException("free " + count + " frames at " + first + ": outside this handler's block");
        }
        if (anyClear(used, index, count)) {
            for (int i = index; i < index + count; i++) {
                if ((used[i >>> 6] & (1L << i)) == 0) {
                    throw new IllegalStateException("double free of frame HPA 0x" + Long.toHexString(base + i * FRAME_SIZE));
                }
            }
        }
        clearBits(used, index, count);
        if (discardFreed != null) {
            discardFreed.accept(pool.asSlice(index * FRAME_SIZE, count * FRAME_SIZE));
            clearBits(dirty, index, count);
        }
        live -= count;
    }

    private int frameIndex(HostPhysAddr hpa) {
        long off = hpa.value() - base;
        if (off < 0 || off >= frames * FRAME_SIZE || off % FRAME_SIZE != 0) {
            throw new IllegalArgumentException(hpa + " is not a frame of this handler");
        }
        return (int) (off / FRAME_SIZE);
    }

    @Override
    public MemorySegment physToSegment(HostPhysAddr hpa, long size) {
        long off = hpa.value() - base;
        if (off < 0 || size < 0 || off > frames * FRAME_SIZE - size) {
            throw new IllegalArgumentException("host memory " + hpa + " + 0x" + Long.toHexString(size)
                    + " is outside this handler's block");
        }
        return pool.asSlice(off, size);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("paging handler is closed");
        }
    }

    /** Releases the block. Segments obtained from {@link #physToSegment} become unusable; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (arena != null) {
                arena.close();
            }
        }
    }
}
