package dev.axvm.addrspace;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The simplest guest memory: one host segment seen at guest-physical {@code base}, every access
 * bounds-checked and all-or-nothing, the failure naming the GPA. For small VMs and tests that do
 * not need an {@link AddrSpace} (no page table, no areas); the caller owns the segment.
 */
public final class SegmentGuestMemory implements GuestMemory {
    private final long base;
    private final MemorySegment ram;

    /** {@code ram} at guest-physical {@code base}. */
    public SegmentGuestMemory(long base, MemorySegment ram) {
        this.base = base;
        this.ram = Objects.requireNonNull(ram, "ram");
        if (Long.compareUnsigned(base + ram.byteSize() - 1, base) < 0 && ram.byteSize() > 0) {
            throw new IllegalArgumentException(String.format("RAM at GPA 0x%x + 0x%x wraps past 2^64", base, ram.byteSize()));
        }
    }

    /** The guest-physical address of the segment's first byte. */
    public long base() {
        return base;
    }

    /** The host segment. */
    public MemorySegment segment() {
        return ram;
    }

    private long offset(long gpa, long length) {
        if (!isRam(gpa, length)) {
            throw new GuestMemoryException(gpa, String.format("GPA 0x%x + %d is outside guest RAM [0x%x, 0x%x)", gpa,
                    length, base, base + ram.byteSize()));
        }
        return gpa - base;
    }

    @Override
    public RamWindow ramWindow(long gpa) {
        return isRam(gpa, 1) ? new RamWindow(base, ram) : null;
    }

    @Override
    public boolean isRam(long gpa, long length) {
        long off = gpa - base;
        return length >= 0 && Long.compareUnsigned(gpa, base) >= 0 && off >= 0 && off <= ram.byteSize() - length;
    }

    @Override
    public void read(long gpa, byte[] dst, int offset, int length) {
        MemorySegment.copy(ram, JAVA_BYTE, offset(gpa, length), dst, offset, length);
    }

    @Override
    public void write(long gpa, byte[] src, int offset, int length) {
        MemorySegment.copy(src, offset, ram, JAVA_BYTE, offset(gpa, length), length);
    }

    @Override
    public byte readByte(long gpa) {
        return ram.get(JAVA_BYTE, offset(gpa, 1));
    }

    @Override
    public short readShort(long gpa) {
        return ram.get(JAVA_SHORT_UNALIGNED, offset(gpa, 2));
    }

    @Override
    public int readInt(long gpa) {
        return ram.get(JAVA_INT_UNALIGNED, offset(gpa, 4));
    }

    @Override
    public long readLong(long gpa) {
        return ram.get(JAVA_LONG_UNALIGNED, offset(gpa, 8));
    }

    @Override
    public void writeByte(long gpa, byte value) {
        ram.set(JAVA_BYTE, offset(gpa, 1), value);
    }

    @Override
    public void writeShort(long gpa, short value) {
        ram.set(JAVA_SHORT_UNALIGNED, offset(gpa, 2), value);
    }

    @Override
    public void writeInt(long gpa, int value) {
        ram.set(JAVA_INT_UNALIGNED, offset(gpa, 4), value);
    }

    @Override
    public void writeLong(long gpa, long value) {
        ram.set(JAVA_LONG_UNALIGNED, offset(gpa, 8), value);
    }
}
