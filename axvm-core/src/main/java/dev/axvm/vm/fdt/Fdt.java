package dev.axvm.vm.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A flattened device tree blob (devicetree specification v0.4, chapter 5): the header, the memory
 * reservation block, the structure block and the strings block, all big-endian. {@link #write}
 * makes version 17 (last compatible 16) with property names shared in the strings block;
 * {@link #read} takes any blob of version 16 or 17 and checks every offset, length and token,
 * refusing a malformed one with a {@link FdtFormatException} that names the offset.
 *
 * @param root the tree
 * @param reservations the memory reservation block's entries
 * @param bootCpuId the header's boot_cpuid_phys
 */
public record Fdt(FdtNode root, List<FdtReservation> reservations, int bootCpuId) {
    /** The header's magic. */
    public static final int MAGIC = 0xd00d_feed;
    private static final int VERSION = 17;
    private static final int LAST_COMPATIBLE = 16;
    private static final int HEADER_SIZE = 40;
    private static final int BEGIN_NODE = 1;
    private static final int END_NODE = 2;
    private static final int PROP = 3;
    private static final int NOP = 4;
    private static final int END = 9;
    /** Deeper trees than this are refused when read: real ones have a handful of levels. */
    private static final int MAX_DEPTH = 64;

    /** Checks and copies. */
    public Fdt {
        Objects.requireNonNull(root, "root");
        reservations = List.copyOf(reservations);
    }

    /** A tree with no reservations, booting CPU 0. */
    public Fdt(FdtNode root) {
        this(root, List.of(), 0);
    }

    // ---- writing ----------------------------------------------------------------------------

    /** The blob. */
    public byte[] write() {
        if (!root.name().isEmpty()) {
            throw new IllegalArgumentException("the root node's name must be empty, not '" + root.name() + "'");
        }
        Map<String, Integer> nameOffsets = new HashMap<>();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        writeNode(root, struct, strings, nameOffsets);
        u32(struct, END);

        int rsvOffset = HEADER_SIZE;
        int structOffset = rsvOffset + 16 * (reservations.size() + 1);
        int stringsOffset = structOffset + struct.size();
        int total = stringsOffset + strings.size();
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(MAGIC).putInt(total).putInt(structOffset).putInt(stringsOffset).putInt(rsvOffset)
                .putInt(VERSION).putInt(LAST_COMPATIBLE).putInt(bootCpuId).putInt(strings.size()).putInt(struct.size());
        for (FdtReservation r : reservations) {
            b.putLong(r.address()).putLong(r.size());
        }
        b.putLong(0).putLong(0);
        b.put(struct.toByteArray()).put(strings.toByteArray());
        return b.array();
    }

    private static void writeNode(FdtNode node, ByteArrayOutputStream struct, ByteArrayOutputStream strings,
            Map<String, Integer> nameOffsets) {
        u32(struct, BEGIN_NODE);
        byte[] name = node.name().getBytes(StandardCharsets.US_ASCII);
        struct.write(name, 0, name.length);
        struct.write(0);
        pad(struct);
        for (Map.Entry<String, byte[]> p : node.rawProperties().entrySet()) {
            Integer off = nameOffsets.get(p.getKey());
            if (off == null) {
                off = strings.size();
                byte[] n = p.getKey().getBytes(StandardCharsets.US_ASCII);
                strings.write(n, 0, n.length);
                strings.write(0);
                nameOffsets.put(p.getKey(), off);
            }
            u32(struct, PROP);
            u32(struct, p.getValue().length);
            u32(struct, off);
            struct.write(p.getValue(), 0, p.getValue().length);
            pad(struct);
        }
        for (FdtNode child : node.children()) {
            writeNode(child, struct, strings, nameOffsets);
        }
        u32(struct, END_NODE);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /**
     * Parses {@code blob}.
     *
     * @throws FdtFormatException naming the offset and what is wrong, for anything but a well-formed tree
     */
    public static Fdt read(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        if (blob.length < HEADER_SIZE) {
            throw new FdtFormatException("a device tree blob has a 40-byte header; this one has " + blob.length + " bytes");
        }
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw new FdtFormatException(String.format("offset 0: magic 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        long total = u(b.getInt(4));
        long structOff = u(b.getInt(8));
        long stringsOff = u(b.getInt(12));
        long rsvOff = u(b.getInt(16));
        long version = u(b.getInt(20));
        long lastComp = u(b.getInt(24));
        int bootCpu = b.getInt(28);
        long stringsSize = u(b.getInt(32));
        long structSize = u(b.getInt(36));
        if (total > blob.length || total < HEADER_SIZE) {
            throw new FdtFormatException("offset 4: totalsize " + total + " but the blob has " + blob.length + " bytes");
        }
        if (version < 16 || lastComp > 17) {
            throw new FdtFormatException("offset 20: version " + version + " (last compatible " + lastComp
                    + "); this reader takes 16 and 17");
        }
        checkBlock("structure", 8, structOff, structSize, total, 4);
        checkBlock("strings", 12, stringsOff, stringsSize, total, 1);
        if (rsvOff < HEADER_SIZE || rsvOff % 8 != 0 || rsvOff > total - 16) {
            throw new FdtFormatException("offset 16: off_mem_rsvmap " + rsvOff + " is not an 8-byte aligned offset inside the blob");
        }
        List<FdtReservation> reservations = new ArrayList<>();
        for (long at = rsvOff; ; at += 16) {
            if (at > total - 16) {
                throw new FdtFormatException("offset " + rsvOff + ": the memory reservation block has no end marker");
            }
            long address = b.getLong((int) at);
            long size = b.getLong((int) at + 8);
            if (address == 0 && size == 0) {
                break;
            }
            reservations.add(new FdtReservation(address, size));
        }
        Reader r = new Reader(b, (int) structOff, (int) (structOff + structSize), (int) stringsOff, (int) stringsSize);
        FdtNode root = r.readTree();
        return new Fdt(root, reservations, bootCpu);
    }

    private static long u(int v) {
        return Integer.toUnsignedLong(v);
    }

    private static void checkBlock(String what, int field, long off, long size, long total, int align) {
        if (off < HEADER_SIZE || off % align != 0 || size > total || off > total - size) {
            throw new FdtFormatException(String.format("offset %d: the %s block [%d, +%d) is not an aligned part of the %d-byte blob",
                    field, what, off, size, total));
        }
    }

    /** Walks the structure block's tokens. */
    private static final class Reader {
        private final ByteBuffer b;
        private final int end;
        private final int stringsOff;
        private final int stringsSize;
        private int at;

        Reader(ByteBuffer b, int start, int end, int stringsOff, int stringsSize) {
            this.b = b;
            this.at = start;
            this.end = end;
            this.stringsOff = stringsOff;
            this.stringsSize = stringsSize;
        }

        FdtNode readTree() {
            int token = nextToken();
            if (token != BEGIN_NODE) {
                throw new FdtFormatException("offset " + (at - 4) + ": the structure block starts with token " + token
                        + ", not FDT_BEGIN_NODE");
            }
            String name = nodeName();
            if (!name.isEmpty()) {
                throw new FdtFormatException("offset " + at + ": the root node is named '" + name + "', not ''");
            }
            FdtNode root = FdtNode.root();
            readBody(root, 1);
            if (nextToken() != END) {
                throw new FdtFormatException("offset " + (at - 4) + ": expected FDT_END after the root node");
            }
            return root;
        }

        private void readBody(FdtNode node, int depth) {
            if (depth > MAX_DEPTH) {
                throw new FdtFormatException("offset " + at + ": nodes nested deeper than " + MAX_DEPTH);
            }
            for (;;) {
                int tokenAt = at;
                int token = nextToken();
                switch (token) {
                    case NOP -> { }
                    case PROP -> readProperty(node, tokenAt);
                    case BEGIN_NODE -> {
                        String name = nodeName();
                        FdtNode child;
                        try {
                            child = node.addChild(name);
                        } catch (IllegalArgumentException e) {
                            throw new FdtFormatException("offset " + tokenAt + ": " + e.getMessage());
                        }
                        readBody(child, depth + 1);
                    }
                    case END_NODE -> {
                        return;
                    }
                    default -> throw new FdtFormatException("offset " + tokenAt + ": token " + token + " where a property, "
                            + "a node or the node's end belongs");
                }
            }
        }

        private void readProperty(FdtNode node, int tokenAt) {
            long len = u(nextWord("property length"));
            long nameOff = u(nextWord("property name offset"));
            if (len > end - at) {
                throw new FdtFormatException("offset " + tokenAt + ": a property of " + len + " bytes runs past the structure block");
            }
            String name = string(nameOff, tokenAt);
            byte[] value = new byte[(int) len];
            b.get(at, value);
            at += (int) ((len + 3) & ~3L);
            if (at > end) {
                at = end;
            }
            try {
                node.property(name, value);
            } catch (IllegalArgumentException e) {
                throw new FdtFormatException("offset " + tokenAt + ": " + e.getMessage());
            }
        }

        private String string(long off, int tokenAt) {
            if (off >= stringsSize) {
                throw new FdtFormatException("offset " + tokenAt + ": name offset " + off + " is outside the "
                        + stringsSize + "-byte strings block");
            }
            int start = stringsOff + (int) off;
            int limit = stringsOff + stringsSize;
            for (int i = start; i < limit; i++) {
                if (b.get(i) == 0) {
                    byte[] s = new byte[i - start];
                    b.get(start, s);
                    return new String(s, StandardCharsets.US_ASCII);
                }
            }
            throw new FdtFormatException("offset " + tokenAt + ": the property name at " + off + " has no NUL in the strings block");
        }

        private String nodeName() {
            int start = at;
            for (int i = start; i < end; i++) {
                if (b.get(i) == 0) {
                    byte[] s = new byte[i - start];
                    b.get(start, s);
                    at = (i + 1 + 3) & ~3;
                    if (at > end) {
                        throw new FdtFormatException("offset " + start + ": the node name's padding runs past the structure block");
                    }
                    return new String(s, StandardCharsets.US_ASCII);
                }
            }
            throw new FdtFormatException("offset " + start + ": a node name without its NUL");
        }

        private int nextToken() {
            return nextWord("token");
        }

        private int nextWord(String what) {
            if (at > end - 4) {
                throw new FdtFormatException("offset " + at + ": the structure block ends where a " + what + " belongs");
            }
            int v = b.getInt(at);
            at += 4;
            return v;
        }
    }
}
