package dev.axvm.device.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a device's saved state (little-endian, as the devices write it with a {@link ByteBuffer})
 * field by field, treating it as hostile: a read past the end, or a value a check refuses, is an
 * {@link IllegalArgumentException} that starts with the device's prefix and names the field and
 * its byte offset. Reading changes nothing but the position, so a device can check a whole state
 * before it assigns any of it.
 */
public final class DeviceStateReader {
    private final String prefix;
    private final ByteBuffer in;

    /**
     * Reads {@code state}; messages start with {@code prefix} (e.g. {@code "virtio-blk 'vda' state: "}).
     * The first byte must be {@code version}.
     */
    public DeviceStateReader(String prefix, byte[] state, int version) {
        this.prefix = prefix;
        this.in = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        int v = u8("encoding version");
        if (v != version) {
            throw refused("encoding version " + v + " (offset 0); this library reads " + version);
        }
    }

    /** The offset of the next field. */
    public int offset() {
        return in.position();
    }

    /** An unsigned byte. */
    public int u8(String field) {
        return Byte.toUnsignedInt(take(field, 1).get());
    }

    /** An unsigned 16-bit value. */
    public int u16(String field) {
        return Short.toUnsignedInt(take(field, 2).getShort());
    }

    /** A 32-bit value. */
    public int u32(String field) {
        return take(field, 4).getInt();
    }

    /** A 64-bit value. */
    public long u64(String field) {
        return take(field, 8).getLong();
    }

    /** A byte that must be 0 or 1. */
    public boolean flag(String field) {
        int at = offset();
        int v = u8(field);
        if (v > 1) {
            throw refused(field + " " + v + " (offset " + at + ") is neither 0 nor 1");
        }
        return v == 1;
    }

    /** {@code length} bytes. */
    public byte[] bytes(String field, int length) {
        byte[] out = new byte[length];
        take(field, length).get(out);
        return out;
    }

    /** {@code length} bytes that must be well-formed UTF-8 (so that the text encodes back to the same bytes). */
    public String utf8(String field, int length) {
        int at = offset();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes(field, length))).toString();
        } catch (CharacterCodingException e) {
            throw refused(field + " (offset " + at + ") is not UTF-8");
        }
    }

    /** Checks that the state ends after the last field read. */
    public void end() {
        if (in.hasRemaining()) {
            throw refused(in.remaining() + " bytes after the last field (offset " + offset() + ")");
        }
    }

    /** A refusal of the state: {@code why} after the device's prefix. */
    public IllegalArgumentException refused(String why) {
        return new IllegalArgumentException(prefix + why);
    }

    private ByteBuffer take(String field, int bytes) {
        if (bytes > in.remaining()) {
            throw refused(field + " (offset " + offset() + ") needs " + bytes + " bytes; the state ends at " + in.limit());
        }
        return in;
    }
}
