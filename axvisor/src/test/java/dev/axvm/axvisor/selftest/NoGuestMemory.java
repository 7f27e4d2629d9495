package dev.axvm.axvisor.selftest;

import dev.axvm.addrspace.GuestMemory;

/** Guest memory for device tests: the scenario device never touches RAM, so every access is a test failure. */
final class NoGuestMemory implements GuestMemory {
    private static UnsupportedOperationException touched() {
        return new UnsupportedOperationException("the scenario device touched guest RAM");
    }

    @Override
    public void read(long gpa, byte[] dst, int offset, int length) {
        throw touched();
    }

    @Override
    public void write(long gpa, byte[] src, int offset, int length) {
        throw touched();
    }

    @Override
    public byte readByte(long gpa) {
        throw touched();
    }

    @Override
    public short readShort(long gpa) {
        throw touched();
    }

    @Override
    public int readInt(long gpa) {
        throw touched();
    }

    @Override
    public long readLong(long gpa) {
        throw touched();
    }

    @Override
    public void writeByte(long gpa, byte value) {
        throw touched();
    }

    @Override
    public void writeShort(long gpa, short value) {
        throw touched();
    }

    @Override
    public void writeInt(long gpa, int value) {
        throw touched();
    }

    @Override
    public void writeLong(long gpa, long value) {
        throw touched();
    }

    @Override
    public boolean isRam(long gpa, long length) {
        return false;
    }
}
