package dev.axvm.vm.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One ACPI system description table: the 36-byte header (ACPI 6.5, 5.2.6) in front of a body,
 * with the length and the checksum (all bytes sum to 0 mod 256) filled in.
 */
final class AcpiTable {
    static final int HEADER = 36;
    static final String OEM_ID = "AXVM  ";
    static final String OEM_TABLE_ID = "AXVMJAVA";

    private AcpiTable() {}

    /** {@code signature}'s table, revision {@code revision}, around {@code body}. */
    static byte[] of(String signature, int revision, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii(signature, 4)).putInt(HEADER + body.length).put((byte) revision).put((byte) 0)
                .put(ascii(OEM_ID, 6)).put(ascii(OEM_TABLE_ID, 8)).putInt(1).put(ascii("AXVM", 4)).putInt(1).put(body);
        byte[] table = b.array();
        table[9] = checksum(table, 0, table.length);
        return table;
    }

    /** The byte that makes {@code [from, to)} of {@code bytes} sum to 0 (with that byte counted as 0 now). */
    static byte checksum(byte[] bytes, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += bytes[i];
        }
        return (byte) -sum;
    }

    static byte[] ascii(String s, int length) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length != length) {
            throw new IllegalArgumentException("'" + s + "' is not " + length + " ASCII characters");
        }
        return b;
    }
}
