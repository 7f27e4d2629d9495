package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.AreaBackend;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.MemoryArea;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Optional;

/**
 * An area of an address space with what the host needs to reach its bytes: the linear block's
 * segment, or one segment per populated frame. Bounds and flags are fixed; splitting makes new
 * areas. The frame array of a lazy area fills in as pages are populated (under the owner's lock).
 */
public final class Area {
    private static final int PAGE_SHIFT = 12;
    private static final long PAGE_MASK = (1L << PAGE_SHIFT) - 1;

    final long start;
    final long end;
    final MappingFlags flags;
    /** Linear: the host-physical address of {@code start}; alloc: unused. */
    final long hpa;
    /** Linear: the host block (null for DEVICE areas). Null for alloc areas. */
    final MemorySegment segment;
    /** Alloc: one entry per page, null until populated. Null for linear areas. */
    final MemorySegment[] frames;
    final boolean populate;

    private Area(long start, long end, MappingFlags flags, long hpa, MemorySegment segment, MemorySegment[] frames,
            boolean populate) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.hpa = hpa;
        this.segment = segment;
        this.frames = frames;
        this.populate = populate;
    }

    /** A linear area mapping {@code [start, end)} to host {@code hpa}; {@code segment} is null when the host never touches it. */
    public static Area linear(long start, long end, MappingFlags flags, long hpa, MemorySegment segment) {
        return new Area(start, end, flags, hpa, segment, null, false);
    }

    /** An allocated area with no frame yet. */
    public static Area alloc(long start, long end, MappingFlags flags, boolean populate) {
        return new Area(start, end, flags, 0, null, new MemorySegment[Math.toIntExact((end - start) >>> PAGE_SHIFT)], populate);
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public MappingFlags flags() {
        return flags;
    }

    public boolean isLinear() {
        return frames == null;
    }

    /** Whether pages are allocated on first touch. */
    public boolean isLazy() {
        return frames != null && !populate;
    }

    /** Linear: the host-physical address of the first byte. */
    public long hostStart() {
        return hpa;
    }

    /** Whether the host may read and write the area's bytes. */
    public boolean isRam() {
        return !flags.has(MappingFlags.DEVICE_BIT) && (frames != null || segment != null);
    }

    /** Page index of {@code gpa} in an allocated area. */
    public int pageIndex(long gpa) {
        return (int) ((gpa - start) >>> PAGE_SHIFT);
    }

    /** Alloc: the frame of page {@code index}, or null. */
    public MemorySegment frame(int index) {
        return frames[index];
    }

    /** Alloc: records the frame of page {@code index} (null when it is released). */
    public void setFrame(int index, MemorySegment frame) {
        frames[index] = frame;
    }

    public int pageCount() {
        return (int) ((end - start) >>> PAGE_SHIFT);
    }

    /** The segment holding {@code gpa}'s byte, or null when the host cannot reach it yet (an unpopulated page). */
    public MemorySegment hostSegment(long gpa) {
        return frames == null ? segment : frames[(int) ((gpa - start) >>> PAGE_SHIFT)];
    }

    /** The offset of {@code gpa}'s byte in {@link #hostSegment}. */
    public long hostOffset(long gpa) {
        return frames == null ? gpa - start : gpa & PAGE_MASK;
    }

    /** One past the last GPA from {@code gpa} on whose bytes lie contiguously in {@link #hostSegment}. */
    public long contiguousEnd(long gpa) {
        return frames == null ? end : (gpa | PAGE_MASK) + 1;
    }

    /** Whether every page of {@code [from, to)} (inside this area) has its frame. */
    public boolean populated(long from, long to) {
        if (frames == null || populate) {
            return true;
        }
        for (int i = pageIndex(from), last = pageIndex(to - 1); i <= last; i++) {
            if (frames[i] == null) {
                return false;
            }
        }
        return true;
    }

    /** The part {@code [from, to)} of this area (inside it), with the same backing. */
    public Area slice(long from, long to) {
        if (from == start && to == end) {
            return this;
        }
        if (frames == null) {
            MemorySegment s = segment == null ? null : segment.asSlice(from - start, to - from);
            return new Area(from, to, flags, hpa + (from - start), s, null, false);
        }
        return new Area(from, to, flags, 0, null, Arrays.copyOfRange(frames, pageIndex(from), pageIndex(to - 1) + 1), populate);
    }

    /** This area with other flags. */
    public Area withFlags(MappingFlags newFlags) {
        return new Area(start, end, newFlags, hpa, segment, frames, populate);
    }

    /** The public snapshot. */
    public MemoryArea describe() {
        AreaBackend backend = frames == null
                ? new AreaBackend.Linear(HostPhysAddr.of(hpa), Optional.ofNullable(segment))
                : new AreaBackend.Alloc(populate);
        return new MemoryArea(GuestPhysAddr.of(start), end - start, flags, backend);
    }

    @Override
    public String toString() {
        return "area GPA [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ") " + flags
                + (frames == null ? " linear" : populate ? " alloc" : " lazy");
    }
}
