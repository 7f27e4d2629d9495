package dev.axvm.vcpu.arm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestMemoryException;
import java.lang.foreign.MemorySegment;

/** Test RAM: one segment at GPA {@code base}, bounds-checked like the real address space. */
final class FlatRam implements GuestMemory {
    final MemorySegment ram;
    final long base;

    FlatRam(MemorySegment ram, long base) {
        this.ram = ram;
        this.base = base;
    }

    private long at(long gpa, long length) {
        if (!isRam(gpa, length)) {
            throw new GuestMemoryException(gpa, String.format("GPA 0x%x + %d is outside test RAM", gpa, length));
        }
        return gpa - base;
    }

    @Override
    public boolean isRam(long gpa, long length) {
        return length >= 0 && gpa - base >= 0 && gpa - base <= ram.byteSize() - length;
    }

    @Override
    public void read(long gpa, byte[] dst, int offset, int length) {
        MemorySegment.copy(ram, JAVA_BYTE, at(gpa, length), dst, offset, length);
    }

    @Override
    public void write(long gpa, byte[] src, int offset, int length) {
        MemorySegment.copy(src, offset, ram, JAVA_BYTE, at(gpa, length), length);
    }

    @Override
    public byte readByte(long gpa) {
        return ram.get(JAVA_BYTE, at(gpa, 1));
    }

    @Override
    public short readShort(long gpa) {
        return ram.get(JAVA_SHORT_UNALIGNED, at(gpa, 2));
    }

    @Override
    public int readInt(long gpa) {
        return ram.get(JAVA_INT_UNALIGNED, at(gpa, 4));
    }

    @Override
    public long readLong(long gpa) {
        return ram.get(JAVA_LONG_UNALIGNED, at(gpa, 8));
    }

    @Override
    public void writeByte(long gpa, byte value) {
        ram.set(JAVA_BYTE, at(gpa, 1), value);
    }

    @Override
    public void writeShort(long gpa, short value) {
        ram.set(JAVA_SHORT_UNALIGNED, at(gpa, 2), value);
    }

    @Override
    public void writeInt(long gpa, int value) {
        ram.set(JAVA_INT_UNALIGNED, at(gpa, 4), value);
    }

    @Override
    public void writeLong(long gpa, long value) {
        ram.set(JAVA_LONG_UNALIGNED, at(gpa, 8), value);
    }
}
