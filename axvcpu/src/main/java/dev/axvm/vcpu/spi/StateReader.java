package dev.axvm.vcpu.spi;

/**
 * Reads a saved state written by {@link StateWriter}, treating it as hostile: every read is
 * bounded, and every refusal is an {@link IllegalArgumentException} that names the state, the
 * field and its byte offset.
 */
public final class StateReader {
    private final String what;
    private final byte[] state;
    private int at;

    /**
     * Starts reading {@code state}, named {@code what} in messages, and checks that its first byte
     * is {@code version}.
     */
    public StateReader(String what, byte[] state, int version) {
        this.what = what;
        this.state = state.clone();
        int v = getByte("encoding version");
        if (v != version) {
            throw refused("encoding version " + v + " at offset 0; this library reads version " + version);
        }
    }

    /** Reads one unsigned byte. */
    public int getByte(String field) {
        need(1, field);
        return state[at++] & 0xff;
    }

    /** Reads a 32-bit integer. */
    public int getInt(String field) {
        need(4, field);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (state[at++] & 0xff) << (8 * i);
        }
        return v;
    }

    /** Reads a 64-bit integer. */
    public long getLong(String field) {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (state[at++] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** Reads a 32-bit count and checks it is at most {@code max}. */
    public int getCount(String field, int max) {
        int offset = at;
        int n = getInt(field);
        if (n < 0 || n > max) {
            throw refused(field + " " + Integer.toUnsignedString(n) + " at offset " + offset + " is more than " + max);
        }
        return n;
    }

    /** Reads a length-prefixed block whose length must be exactly {@code length}. */
    public byte[] getBlock(String field, int length) {
        int offset = at;
        int n = getInt(field + " length");
        if (n != length) {
            throw refused(field + " of " + Integer.toUnsignedString(n) + " bytes at offset " + offset + "; it has " + length
                    + " on this host");
        }
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(state, at, out, 0, n);
        at += n;
        return out;
    }

    /** The offset of the next read. */
    public int offset() {
        return at;
    }

    /** Checks that nothing follows the last field read. */
    public void end() {
        if (at != state.length) {
            throw refused((state.length - at) + " bytes after the last field (offset " + at + ")");
        }
    }

    /** A refusal of this state for {@code reason}. */
    public IllegalArgumentException refused(String reason) {
        return new IllegalArgumentException(what + ": " + reason);
    }

    private void need(int bytes, String field) {
        if (bytes > state.length - at) {
            throw refused(field + " at offset " + at + " needs " + bytes + " bytes; the state ends at " + state.length);
        }
    }
}
