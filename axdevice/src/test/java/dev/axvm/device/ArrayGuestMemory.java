package dev.axvm.device;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Guest RAM for tests: {@code size} bytes at guest-physical {@code base}, bounds-checked as GuestMemory requires. */
public final class ArrayGuestMemory implements GuestMemory {
    private final long base;
    private final ByteBuffer ram;

    public ArrayGuestMemory(long base, int size) {
        this.base = base;
        this.ram = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int index(long gpa, long length) {
        if (!isRam(gpa, length)) {
            throw new GuestMemoryException(gpa, "GPA 0x" + Long.toHexString(gpa) + " + " + length + " is not RAM");
        }
        return (int) (gpa - base);
    }

    @Override
    public boolean isRam(long gpa, long length) {
        long off = gpa - base;
        return length >= 0 && Long.compareUnsigned(gpa, base) >= 0 && off <= ram.capacity() - length;
    }

    @Override
    public void read(long gpa, byte[] dst, int offset, int length) {
        ram.get(index(gpa, length), dst, offset, length);
    }

    @Override
    public void write(long gpa, byte[] src, int offset, int length) {
        ram.put(index(gpa, length), src, offset, length);
    }

    @Override
    public byte readByte(long gpa) {
        return ram.get(index(gpa, 1));
    }

    @Override
    public short readShort(long gpa) {
        return ram.getShort(index(gpa, 2));
    }

    @Override
    public int readInt(long gpa) {
        return ram.getInt(index(gpa, 4));
    }

    @Override
    public long readLong(long gpa) {
        return ram.getLong(index(gpa, 8));
    }

    @Override
    public void writeByte(long gpa, byte value) {
        ram.put(index(gpa, 1), value);
    }

    @Override
    public void writeShort(long gpa, short value) {
        ram.putShort(index(gpa, 2), value);
    }

    @Override
    public void writeInt(long gpa, int value) {
        ram.putInt(index(gpa, 4), value);
    }

    @Override
    public void writeLong(long gpa, long value) {
        ram.putLong(index(gpa, 8), value);
    }
}
