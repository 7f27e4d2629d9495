package dev.axvm.addrspace.npt;

import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.PagingHandler;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A second, independent reader of nested page tables, written from the manuals' entry layouts
 * rather than from the production codecs: it walks the raw little-endian entries in host memory
 * and fails (AssertionError) on any bit a well-formed entry must not have.
 */
public final class RawTableDecoder {
    private static final ValueLayout.OfLong LE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A decoded leaf. */
    public record Leaf(long gpa, long size, long hpa, int flags, long entry, int depth) {}

    /** Everything a full scan found. */
    public record Scan(List<Leaf> leaves, int tables, long mappedBytes) {}

    private enum Kind { INVALID, TABLE, LEAF }

    private record Decoded(Kind kind, long address, int flags) {}

    private final PageTableFormat format;
    private final PagingHandler handler;
    private final int levels;
    private final int rootIndexBits;

    public RawTableDecoder(PageTableFormat format, PagingHandler handler) {
        this.format = format;
        this.handler = handler;
        // Geometry from the manuals: EPT PML4 9 bits; Arm 40-bit IPA from level 1 = 10 bits (2 concatenated
        // tables); Arm 48-bit from level 0 = 9 bits; RISC-V x4 roots = 9 + 2 bits.
        switch (format) {
            case EPT -> { levels = 4; rootIndexBits = 9; }
            case AARCH64_S2_3L -> { levels = 3; rootIndexBits = 10; }
            case AARCH64_S2_4L -> { levels = 4; rootIndexBits = 9; }
            case SV39X4 -> { levels = 3; rootIndexBits = 11; }
            case SV48X4 -> { levels = 4; rootIndexBits = 11; }
            default -> throw new AssertionError(format);
        }
    }

    private int shift(int depth) {
        return 12 + 9 * (levels - 1 - depth);
    }

    private long inputLimit() {
        return 1L << (shift(0) + rootIndexBits);
    }

    /** The raw entry at {@code index} of the table at {@code tableHpa}. */
    public long entry(long tableHpa, int index) {
        return handler.physToSegment(HostPhysAddr.of(tableHpa + 8L * index), 8).get(LE, 0);
    }

    private int index(long gpa, int depth) {
        int bits = depth == 0 ? rootIndexBits : 9;
        return (int) ((gpa >>> shift(depth)) & ((1L << bits) - 1));
    }

    /** The raw entry that the walk for {@code gpa} reads at {@code depth} (0 = root), following table entries. */
    public long rawEntry(long root, long gpa, int depth) {
        long table = root;
        for (int d = 0; ; d++) {
            long e = entry(table, index(gpa, d));
            if (d == depth) {
                return e;
            }
            Decoded x = decode(e, d);
            if (x.kind != Kind.TABLE) {
                throw new AssertionError(format + ": no table at depth " + d + " for GPA 0x" + Long.toHexString(gpa)
                        + " (entry 0x" + Long.toHexString(e) + ")");
            }
            table = x.address;
        }
    }

    /** The leaf translating {@code gpa}, or null. */
    public Leaf walk(long root, long gpa) {
        if (gpa < 0 || gpa >= inputLimit()) {
            return null;
        }
        long table = root;
        for (int d = 0; d < levels; d++) {
            long e = entry(table, index(gpa, d));
            Decoded x = decode(e, d);
            switch (x.kind) {
                case INVALID -> {
                    return null;
                }
                case LEAF -> {
                    long size = 1L << shift(d);
                    return new Leaf(gpa & -size, size, x.address, x.flags, e, d);
                }
                case TABLE -> table = x.address;
            }
        }
        throw new AssertionError("walk fell off the last level");
    }

    /** Every leaf, table count and mapped bytes; fails on an empty table below the root. */
    public Scan scan(long root) {
        List<Leaf> leaves = new ArrayList<>();
        int[] tables = {0};
        scan(root, 0, 0, leaves, tables);
        long bytes = leaves.stream().mapToLong(Leaf::size).sum();
        return new Scan(leaves, tables[0], bytes);
    }

    private void scan(long table, int depth, long base, List<Leaf> leaves, int[] tables) {
        tables[0] += depth == 0 ? (1 << rootIndexBits) / 512 : 1;
        int entries = depth == 0 ? 1 << rootIndexBits : 512;
        int present = 0;
        for (int i = 0; i < entries; i++) {
            long e = entry(table, i);
            Decoded x = decode(e, depth);
            long gpa = base + ((long) i << shift(depth));
            switch (x.kind) {
                case INVALID -> { }
                case LEAF -> {
                    present++;
                    leaves.add(new Leaf(gpa, 1L << shift(depth), x.address, x.flags, e, depth));
                }
                case TABLE -> {
                    present++;
                    scan(x.address, depth + 1, gpa, leaves, tables);
                }
            }
        }
        if (depth > 0 && present == 0) {
            throw new AssertionError(format + ": empty table at depth " + depth + " for GPA 0x" + Long.toHexString(base)
                    + " was not freed");
        }
    }

    private Decoded decode(long e, int depth) {
        return switch (format) {
            case EPT -> decodeEpt(e, depth);
            case AARCH64_S2_3L, AARCH64_S2_4L -> decodeArm(e, depth);
            case SV39X4, SV48X4 -> decodeRiscv(e, depth);
        };
    }

    private static void check(boolean ok, String what, long e) {
        if (!ok) {
            throw new AssertionError(what + " (entry 0x" + Long.toHexString(e) + ")");
        }
    }

    /** Intel SDM vol. 3C, EPT entry formats. */
    private Decoded decodeEpt(long e, int depth) {
        if ((e & 7) == 0) {
            check(e == 0, "EPT: not-present entry must be all zero here", e);
            return new Decoded(Kind.INVALID, 0, 0);
        }
        check((e >>> 52) == 0, "EPT: bits 63:52 must be 0", e);
        boolean leaf = depth == 3 || ((depth == 1 || depth == 2) && (e & 0x80) != 0);
        if (!leaf) {
            check((e & 0xFF8) == 0, "EPT: non-leaf bits 11:3 (reserved 7:3, A, ignored) must be 0", e);
            check((e & 7) == 7, "EPT: non-leaf R/W/X must all be set", e);
            return new Decoded(Kind.TABLE, e & 0x000F_FFFF_FFFF_F000L, 0);
        }
        long size = 1L << shift(depth);
        long addr = e & 0x000F_FFFF_FFFF_F000L;
        check((addr & (size - 1)) == 0, "EPT: large-page address bits below the page size are reserved", e);
        check((e & 0xF00) == 0, "EPT: bits 11:8 (A, D, user-exec, ignored) must be 0", e);
        check((e & 0x40) != 0, "EPT: bit 6 ignore-PAT must be set", e);
        boolean r = (e & 1) != 0;
        boolean w = (e & 2) != 0;
        boolean x = (e & 4) != 0;
        check(!(w && !r), "EPT: write without read is a misconfiguration", e);
        int flags = (r ? MappingFlags.READ_BIT : 0) | (w ? MappingFlags.WRITE_BIT : 0) | (x ? MappingFlags.EXECUTE_BIT : 0);
        int type = (int) ((e >>> 3) & 7);
        switch (type) {
            case 6 -> { }
            case 0 -> flags |= MappingFlags.DEVICE_BIT;
            case 1 -> flags |= MappingFlags.UNCACHED_BIT;
            default -> throw new AssertionError("EPT: unexpected memory type " + type);
        }
        return new Decoded(Kind.LEAF, addr, flags);
    }

    /** Arm ARM VMSAv8-64 stage-2 descriptors, 4 KiB granule. */
    private Decoded decodeArm(long e, int depth) {
        if ((e & 1) == 0) {
            check(e == 0, "Arm: invalid descriptor must be all zero here", e);
            return new Decoded(Kind.INVALID, 0, 0);
        }
        int armLevel = depth + (4 - levels);
        boolean last = armLevel == 3;
        boolean bit1 = (e & 2) != 0;
        long addr = e & 0x0000_FFFF_FFFF_F000L;
        check((e & 0x000F_0000_0000_0000L) == 0, "Arm: output address bits 51:48 must be 0 without LPA", e);
        if (!last && bit1) {
            check((e & ~0x0000_FFFF_FFFF_F003L) == 0, "Arm: stage-2 table descriptor has only address and type", e);
            return new Decoded(Kind.TABLE, addr, 0);
        }
        check(last ? bit1 : (armLevel == 1 || armLevel == 2),
                last ? "Arm: 0b01 at level 3 is reserved" : "Arm: no block at level 0 with a 4 KiB granule", e);
        long size = 1L << shift(depth);
        check((addr & (size - 1)) == 0, "Arm: block output address must be aligned", e);
        check((e & (1L << 10)) != 0, "Arm: AF (bit 10) must be set", e);
        check(((e >>> 8) & 3) == 3, "Arm: SH (bits 9:8) must be inner shareable 0b11", e);
        check((e & (1L << 11)) == 0, "Arm: bit 11 must be 0", e);
        check((e & (0x1FFL << 55)) == 0 && (e & (3L << 52)) == 0, "Arm: bits 63:55, 53:52 must be 0", e);
        int flags = 0;
        if ((e & (1L << 6)) != 0) {
            flags |= MappingFlags.READ_BIT;
        }
        if ((e & (1L << 7)) != 0) {
            flags |= MappingFlags.WRITE_BIT;
        }
        if ((e & (1L << 54)) == 0) {
            flags |= MappingFlags.EXECUTE_BIT;
        }
        int memAttr = (int) ((e >>> 2) & 0xF);
        switch (memAttr) {
            case 0b1111 -> { }
            case 0b0001 -> flags |= MappingFlags.DEVICE_BIT;
            case 0b0101 -> flags |= MappingFlags.UNCACHED_BIT;
            default -> throw new AssertionError("Arm: unexpected MemAttr 0b" + Integer.toBinaryString(memAttr));
        }
        return new Decoded(Kind.LEAF, addr, flags);
    }

    /** RISC-V privileged spec, Sv39/Sv48 PTEs under G-stage translation. */
    private Decoded decodeRiscv(long e, int depth) {
        if ((e & 1) == 0) {
            check(e == 0, "RISC-V: invalid PTE must be all zero here", e);
            return new Decoded(Kind.INVALID, 0, 0);
        }
        check((e >>> 54) == 0, "RISC-V: bits 63:54 (N, PBMT, reserved) must be 0", e);
        boolean r = (e & 2) != 0;
        boolean w = (e & 4) != 0;
        boolean x = (e & 8) != 0;
        long addr = ((e >>> 10) & ((1L << 44) - 1)) << 12;
        check(!(w && !r), "RISC-V: W without R is reserved", e);
        if (!r && !x) {
            check((e & 0x3FF) == 1, "RISC-V: non-leaf PTE has V only (U, A, D reserved)", e);
            check(depth < levels - 1, "RISC-V: pointer PTE at level 0 is a fault", e);
            return new Decoded(Kind.TABLE, addr, 0);
        }
        long size = 1L << shift(depth);
        check((addr & (size - 1)) == 0, "RISC-V: superpage PPN must be aligned (misaligned superpage)", e);
        check((e & 0x10) != 0, "RISC-V: G-stage leaf must have U", e);
        check((e & 0x20) == 0, "RISC-V: G bit is reserved in G-stage PTEs", e);
        check((e & 0x40) != 0, "RISC-V: A must be set", e);
        check(((e & 0x80) != 0) == w, "RISC-V: D must be set exactly on writable leaves", e);
        int flags = (r ? MappingFlags.READ_BIT : 0) | (w ? MappingFlags.WRITE_BIT : 0) | (x ? MappingFlags.EXECUTE_BIT : 0);
        if ((e & 0x100) != 0) {
            flags |= MappingFlags.DEVICE_BIT;
        }
        if ((e & 0x200) != 0) {
            flags |= MappingFlags.UNCACHED_BIT;
        }
        check((e & 0x300) != 0x300, "RISC-V: RSW records DEVICE or UNCACHED, not both", e);
        return new Decoded(Kind.LEAF, addr, flags);
    }
}
