package dev.axvm.vcpu.spi;

import java.util.Arrays;

/**
 * Builds a backend's saved state (a vCPU's or a VM's) in the little-endian encoding that
 * {@link StateReader} checks on the way back: fixed-width integers and length-prefixed byte blocks.
 */
public final class StateWriter {
    private byte[] buf = new byte[256];
    private int size;

    /** Starts a state whose first byte is its encoding's {@code version}. */
    public StateWriter(int version) {
        putByte(version);
    }

    /** Appends one byte. */
    public StateWriter putByte(int value) {
        ensure(1);
        buf[size++] = (byte) value;
        return this;
    }

    /** Appends a 32-bit integer. */
    public StateWriter putInt(int value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** Appends a 64-bit integer. */
    public StateWriter putLong(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** Appends {@code block} after its length as a 32-bit integer. */
    public StateWriter putBlock(byte[] block) {
        putInt(block.length);
        ensure(block.length);
        System.arraycopy(block, 0, buf, size, block.length);
        size += block.length;
        return this;
    }

    /** The state written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
