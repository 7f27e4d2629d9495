package dev.axvm.vm.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few AML encodings a DSDT for an emulated PC needs (ACPI 6.5, chapter 20): names, integers,
 * strings, buffers, scopes and devices, and the resource descriptors of their {@code _CRS}. Each
 * method returns the encoded bytes; callers concatenate. Exact and small, not a general compiler.
 */
final class Aml {
    private static final int ZERO_OP = 0x00;
    private static final int ONE_OP = 0x01;
    private static final int NAME_OP = 0x08;
    private static final int BYTE_PREFIX = 0x0a;
    private static final int WORD_PREFIX = 0x0b;
    private static final int DWORD_PREFIX = 0x0c;
    private static final int STRING_PREFIX = 0x0d;
    private static final int QWORD_PREFIX = 0x0e;
    private static final int SCOPE_OP = 0x10;
    private static final int BUFFER_OP = 0x11;
    private static final int PACKAGE_OP = 0x12;
    private static final int EXT_OP = 0x5b;
    private static final int DEVICE_OP = 0x82;

    private Aml() {}

    /** {@code Name(NAME, value)}. */
    static byte[] name(String name, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameString(name), value);
    }

    /** An integer in its shortest encoding. */
    static byte[] integer(long v) {
        if (v == 0) {
            return new byte[] {ZERO_OP};
        }
        if (v == 1) {
            return new byte[] {ONE_OP};
        }
        if (v >= 0 && v <= 0xff) {
            return new byte[] {BYTE_PREFIX, (byte) v};
        }
        if (v >= 0 && v <= 0xffff) {
            return concat(new byte[] {WORD_PREFIX}, le(v, 2));
        }
        if (v >= 0 && v <= 0xffff_ffffL) {
            return concat(new byte[] {DWORD_PREFIX}, le(v, 4));
        }
        return concat(new byte[] {QWORD_PREFIX}, le(v, 8));
    }

    /** A string (ASCII, no NUL inside). */
    static byte[] string(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == 0 || s.charAt(i) > 0x7f) {
                throw new IllegalArgumentException("AML strings are 7-bit ASCII without NUL: " + s);
            }
        }
        return concat(new byte[] {STRING_PREFIX}, s.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
    }

    /** A compressed EISA id such as {@code PNP0501}, as an integer. */
    static byte[] eisaId(String id) {
        if (id.length() != 7) {
            throw new IllegalArgumentException("an EISA id has 7 characters: " + id);
        }
        int v = ((id.charAt(0) - 0x40) << 26) | ((id.charAt(1) - 0x40) << 21) | ((id.charAt(2) - 0x40) << 16)
                | Integer.parseInt(id.substring(3), 16);
        return concat(new byte[] {DWORD_PREFIX}, le(Integer.reverseBytes(v) & 0xffff_ffffL, 4));
    }

    /** {@code Buffer() { bytes }}. */
    static byte[] buffer(byte[] bytes) {
        byte[] body = concat(integer(bytes.length), bytes);
        return concat(new byte[] {BUFFER_OP}, pkgLength(body.length), body);
    }

    /** {@code Package() { elements }} (at most 255 elements). */
    static byte[] packageOf(byte[]... elements) {
        if (elements.length > 0xff) {
            throw new IllegalArgumentException("a Package holds at most 255 elements, got " + elements.length);
        }
        byte[] body = concat(new byte[] {(byte) elements.length}, concat(elements));
        return concat(new byte[] {PACKAGE_OP}, pkgLength(body.length), body);
    }

    /** {@code Scope(NAME) { terms }}. */
    static byte[] scope(String name, byte[]... terms) {
        byte[] body = concat(nameString(name), concat(terms));
        return concat(new byte[] {SCOPE_OP}, pkgLength(body.length), body);
    }

    /** {@code Device(NAME) { terms }}. */
    static byte[] device(String name, byte[]... terms) {
        byte[] body = concat(nameString(name), concat(terms));
        return concat(new byte[] {EXT_OP, (byte) DEVICE_OP}, pkgLength(body.length), body);
    }

    /** A resource template's bytes (the descriptors, then the end tag), for {@link #buffer}. */
    static byte[] resources(byte[]... descriptors) {
        return concat(concat(descriptors), new byte[] {0x79, 0x00}); // End Tag, checksum 0: "treat as correct"
    }

    /** {@code IO(Decode16, base, base, 1, length)}. */
    static byte[] io(int base, int length) {
        return concat(new byte[] {0x47, 0x01}, le(base, 2), le(base, 2), new byte[] {0x01, (byte) length});
    }

    /** {@code IRQNoFlags() { irq }} (ISA: edge, active high). */
    static byte[] irqNoFlags(int irq) {
        return concat(new byte[] {0x22}, le(1L << irq, 2));
    }

    /** {@code Memory32Fixed(ReadWrite, base, length)}. */
    static byte[] memory32Fixed(long base, long length) {
        return concat(new byte[] {(byte) 0x86, 0x09, 0x00, 0x01}, le(base, 4), le(length, 4));
    }

    /** {@code Interrupt(ResourceConsumer, Level, ActiveHigh, Exclusive) { gsi }}. */
    static byte[] interrupt(long gsi) {
        return concat(new byte[] {(byte) 0x89, 0x06, 0x00, 0x01, 0x01}, le(gsi, 4));
    }

    /** A NameString of one or more 4-character segments, with an optional leading {@code \}. */
    static byte[] nameString(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String rest = name;
        if (rest.startsWith("\\")) {
            out.write('\\');
            rest = rest.substring(1);
        }
        String[] segs = rest.split("\\.");
        if (segs.length == 2) {
            out.write(0x2e); // DualNamePrefix
        } else if (segs.length > 2) {
            out.write(0x2f); // MultiNamePrefix
            out.write(segs.length);
        }
        for (String seg : segs) {
            if (seg.isEmpty() || seg.length() > 4 || !seg.matches("[A-Z_][A-Z0-9_]*")) {
                throw new IllegalArgumentException("not an ACPI name segment: '" + seg + "'");
            }
            out.writeBytes((seg + "____").substring(0, 4).getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** A PkgLength for a body of {@code n} bytes (the length counts its own bytes). */
    static byte[] pkgLength(int n) {
        if (n + 1 < 0x40) {
            return new byte[] {(byte) (n + 1)};
        }
        for (int bytes = 2; bytes <= 4; bytes++) {
            long total = n + bytes;
            if (total < (1L << (4 + 8 * (bytes - 1)))) {
                byte[] out = new byte[bytes];
                out[0] = (byte) (((bytes - 1) << 6) | (total & 0x0f));
                for (int i = 1; i < bytes; i++) {
                    out[i] = (byte) (total >>> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("package of " + n + " bytes is too long for a PkgLength");
    }

    static byte[] le(long v, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
