package dev.axvm.addrspace;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A stretch of guest RAM that lies contiguously in host memory: guest-physical {@code gpa} is the
 * segment's first byte. Devices that touch guest RAM many times per request (virtqueues) look a
 * window up once and then read and write through the segment without a lock per access. A window
 * is valid while its RAM stays mapped: the VM resets such devices before it unmaps or frees RAM
 * (reboot, close), and they drop their windows then.
 *
 * @param gpa the guest-physical address of {@code segment}'s first byte
 * @param segment the host memory
 */
public record RamWindow(long gpa, MemorySegment segment) {
    /** Checks the fields. */
    public RamWindow {
        Objects.requireNonNull(segment, "segment");
        if (segment.byteSize() > 0 && Long.compareUnsigned(gpa + segment.byteSize() - 1, gpa) < 0) {
            throw new IllegalArgumentException("RAM window at GPA 0x" + Long.toHexString(gpa) + " wraps past 2^64");
        }
    }

    /** One past the last guest-physical address of the window (0 when it ends at 2^64). */
    public long end() {
        return gpa + segment.byteSize();
    }

    /**
     * Whether {@code [addr, addr + length)} lies inside the window; false for a negative length or
     * a range that wraps.
     */
    public boolean contains(long addr, long length) {
        long off = addr - gpa;
        return length >= 0 && Long.compareUnsigned(addr, gpa) >= 0 && Long.compareUnsigned(off, segment.byteSize()) <= 0
                && Long.compareUnsigned(length, segment.byteSize() - off) <= 0;
    }
}
