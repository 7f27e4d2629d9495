package dev.axvm.bench.dispatch;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestMemoryException;

/** Guest memory with no RAM: the benchmark's devices never touch guest memory. */
final class NoGuestMemory implements GuestMemory {
    private static GuestMemoryException none(long gpa) {
        return new GuestMemoryException(gpa, "the dispatch benchmark has no guest RAM (GPA 0x" + Long.toHexString(gpa) + ")");
    }

    @Override
    public void read(long gpa, byte[] dst, int offset, int length) {
        throw none(gpa);
    }

    @Override
    public void write(long gpa, byte[] src, int offset, int length) {
        throw none(gpa);
    }

    @Override
    public byte readByte(long gpa) {
        throw none(gpa);
    }

    @Override
    public short readShort(long gpa) {
        throw none(gpa);
    }

    @Override
    public int readInt(long gpa) {
        throw none(gpa);
    }

    @Override
    public long readLong(long gpa) {
        throw none(gpa);
    }

    @Override
    public void writeByte(long gpa, byte value) {
        throw none(gpa);
    }

    @Override
    public void writeShort(long gpa, short value) {
        throw none(gpa);
    }

    @Override
    public void writeInt(long gpa, int value) {
        throw none(gpa);
    }

    @Override
    public void writeLong(long gpa, long value) {
        throw none(gpa);
    }

    @Override
    public boolean isRam(long gpa, long length) {
        return false;
    }
}
