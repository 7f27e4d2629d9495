package dev.axvm.addrspace;

import java.lang.foreign.MemorySegment;

/**
 * The host's frame service, injected into everything that builds page tables or guest memory:
 * allocate and free 4 KiB frames, and let the library touch a frame through a
 * {@link MemorySegment}. AxVM never allocates host memory any other way.
 */
public interface PagingHandler {
    /** Bytes in a frame. */
    long FRAME_SIZE = Address.PAGE_SIZE;

    /**
     * One zeroed frame.
     *
     * @throws FrameAllocationException when the host has no frame left
     */
    HostPhysAddr allocFrame();

    /**
     * {@code count} contiguous zeroed frames whose first address is a multiple of
     * {@code alignFrames * FRAME_SIZE} ({@code alignFrames} a power of two).
     *
     * @throws FrameAllocationException when no such run of frames is free
     */
    HostPhysAddr allocFrames(int count, int alignFrames);

    /**
     * Returns a frame from {@link #allocFrame()}.
     *
     * @throws IllegalArgumentException for an address this handler never handed out
     * @throws IllegalStateException when the frame is already free
     */
    void freeFrame(HostPhysAddr frame);

    /** Returns {@code count} frames from {@link #allocFrames}. Same failures as {@link #freeFrame}. */
    void freeFrames(HostPhysAddr first, int count);

    /**
     * The host memory at {@code [hpa, hpa + size)} as a segment the library may read and write.
     *
     * @throws IllegalArgumentException when the range is not host memory this handler owns
     */
    MemorySegment physToSegment(HostPhysAddr hpa, long size);
}
