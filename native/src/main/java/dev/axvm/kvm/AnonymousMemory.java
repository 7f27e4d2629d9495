package dev.axvm.kvm;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A block of anonymous host memory for guest RAM: {@code mmap(MAP_PRIVATE | MAP_ANONYMOUS |
 * MAP_NORESERVE)}, so that a 1 GiB guest costs nothing until it touches its pages, and every page
 * reads as zero until written. Closing it unmaps the block; segments from {@link #segment()} are
 * then unusable (their shared scope is closed, so no thread can touch freed memory).
 */
public final class AnonymousMemory implements AutoCloseable {
    private static final long PAGE = 4096;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;

    private AnonymousMemory(long size) {
        try {
            MemorySegment out = arena.allocate(ADDRESS);
            Shim.check(Shim.mapAnonymous(size, out), String.format("mmap(%d bytes of guest RAM)", size));
            long address = out.get(ADDRESS, 0).address();
            segment = MemorySegment.ofAddress(address).reinterpret(size, arena, ignored -> Shim.unmap(address, size));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reserves {@code size} bytes (a positive multiple of 4 KiB).
     *
     * @throws KvmException when the host refuses the mapping (ENOMEM: over the address-space limit)
     */
    public static AnonymousMemory map(long size) {
        if (size <= 0 || size % PAGE != 0) {
            throw new IllegalArgumentException("anonymous memory of " + size + " bytes (expected a positive multiple of 4 KiB)");
        }
        return new AnonymousMemory(size);
    }

    /** The block; page-aligned, {@code size} bytes. */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Gives the pages of {@code range} (a page-aligned slice of {@link #segment()}) back to the
     * host: they stop counting towards the process's memory and read as zero afterwards.
     */
    public void discard(MemorySegment range) {
        checkRange(range, "discard");
        Shim.check(Shim.discard(range), "madvise(MADV_DONTNEED)");
    }

    /**
     * Makes {@code range} (page-aligned whole pages of this block) show {@code file}'s bytes from
     * {@code offset} (page-aligned) on, copy-on-write ({@code MAP_PRIVATE}): pages come from the
     * page cache as they are touched, and writes stay in this process. The file must keep those
     * bytes while the range is mapped. {@link #remapAnonymous} undoes it.
     *
     * @throws KvmException when the host refuses (the file cannot be opened or mapped)
     */
    public void mapFile(MemorySegment range, Path file, long offset) {
        checkRange(range, "map a file over");
        if (offset < 0 || offset % PAGE != 0) {
            throw new IllegalArgumentException("file offset " + offset + " is not page-aligned");
        }
        try (Arena a = Arena.ofConfined()) {
            Shim.check(Shim.mapFilePrivate(range, a.allocateFrom(file.toString()), offset), "mmap(" + file + ", MAP_PRIVATE)");
        }
    }

    /** Makes {@code range} anonymous memory again, whatever was mapped over it: zero, and uncommitted. */
    public void remapAnonymous(MemorySegment range) {
        checkRange(range, "remap");
        Shim.check(Shim.remapAnonymous(range), "mmap(MAP_ANONYMOUS | MAP_FIXED)");
    }

    private void checkRange(MemorySegment range, String what) {
        long offset = range.address() - segment.address();
        if (offset < 0 || offset % PAGE != 0 || range.byteSize() % PAGE != 0 || offset > segment.byteSize() - range.byteSize()) {
            throw new IllegalArgumentException(String.format("%s 0x%x bytes at 0x%x: not whole pages of this block", what,
                    range.byteSize(), range.address()));
        }
    }

    /** Unmaps the block. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
