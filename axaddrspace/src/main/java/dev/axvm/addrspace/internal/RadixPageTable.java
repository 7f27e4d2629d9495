package dev.axvm.addrspace.internal;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.addrspace.npt.NestedPageTable;
import dev.axvm.addrspace.npt.PageMapping;
import dev.axvm.addrspace.npt.PageSize;
import dev.axvm.addrspace.npt.PageTableFormat;
import dev.axvm.addrspace.npt.TlbFlushHook;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one radix-tree implementation behind every {@link PageTableFormat}: the tree shape comes
 * from the format's geometry, the entry bits from its {@link EntryCodec}. "Depth" counts from the
 * root (0) to the last level ({@code levels - 1}); an entry at depth d spans 2^(12 + 9 (levels-1-d)) bytes.
 */
public final class RadixPageTable implements NestedPageTable {
    /** Entries are little-endian on all three architectures, whatever the host's order. */
    static final ValueLayout.OfLong ENTRY = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int ENTRIES = 512;
    private static final long FRAME = PagingHandler.FRAME_SIZE;

    private final PageTableFormat format;
    private final EntryCodec codec;
    private final PagingHandler handler;
    private final TlbFlushHook flushHook;
    private final int levels;
    private final long gpaLimit;
    private final long hpaLimit;
    private final int[] shifts;
    private final long[] indexMasks;
    private final TableNode root;
    private int tableFrames;
    private boolean closed;
    /** Set by the range walks when an entry's bits changed, to decide on a TLB flush. */
    private boolean modified;

    /**
     * An empty table; the root frames are allocated here.
     *
     * @throws dev.axvm.addrspace.FrameAllocationException when they cannot be
     */
    public RadixPageTable(PageTableFormat format, PagingHandler handler, TlbFlushHook flushHook) {
        this.format = Objects.requireNonNull(format, "format");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.flushHook = Objects.requireNonNull(flushHook, "flushHook");
        this.codec = EntryCodec.of(format);
        this.levels = format.levels();
        this.gpaLimit = format.gpaLimit();
        this.hpaLimit = format.hpaLimit();
        this.shifts = new int[levels];
        this.indexMasks = new long[levels];
        for (int d = 0; d < levels; d++) {
            shifts[d] = 12 + 9 * (levels - 1 - d);
            indexMasks[d] = d == 0 ? format.rootEntries() - 1 : ENTRIES - 1;
        }
        int n = format.rootFrames();
        HostPhysAddr r = handler.allocFrames(n, n);
        MemorySegment seg;
        try {
            checkTableFrame(r, n);
            seg = handler.physToSegment(r, n * FRAME);
        } catch (RuntimeException e) {
            handler.freeFrames(r, n);
            throw e;
        }
        seg.fill((byte) 0);
        this.root = new TableNode(r.value(), seg, format.rootEntries(), levels == 1);
        this.tableFrames = n;
    }

    @Override
    public PageTableFormat format() {
        return format;
    }

    @Override
    public HostPhysAddr rootAddress() {
        return HostPhysAddr.of(root.hpa);
    }

    @Override
    public long rootRegister() {
        return codec.rootRegister(root.hpa);
    }

    @Override
    public int tableFrames() {
        return tableFrames;
    }

    // ---- map ----

    @Override
    public void map(long gpa, long hpa, long size, MappingFlags flags, PageSize maxPageSize) {
        checkOpen();
        checkRange("map", gpa, size);
        checkHpa(hpa, size);
        int bits = format.encodedFlags(Objects.requireNonNull(flags, "flags")).bits();
        long maxLeaf = Objects.requireNonNull(maxPageSize, "maxPageSize").bytes();
        long end = gpa + size;
        long busy = firstMapped(root, 0, 0, gpa, end);
        if (busy >= 0) {
            throw new IllegalArgumentException("map " + range(gpa, size) + ": GPA 0x" + Long.toHexString(busy)
                    + " is already mapped");
        }
        try {
            mapRange(root, 0, 0, gpa, end, hpa - gpa, bits, maxLeaf);
        } catch (RuntimeException e) {
            // The range was empty before: clearing all of it restores exactly the old state (and frees new tables).
            clearRange(root, 0, 0, gpa, end);
            throw e;
        }
    }

    private void mapRange(TableNode node, int d, long nodeBase, long from, long to, long delta, int bits, long maxLeaf) {
        long span = 1L << shifts[d];
        boolean lastLevel = d == levels - 1;
        int first = index(from, d);
        int last = index(to - 1, d);
        for (int i = first; i <= last; i++) {
            long eBase = nodeBase + i * span;
            long lo = Math.max(from, eBase);
            long hi = Math.min(to, eBase + span);
            boolean whole = lo == eBase && hi == eBase + span;
            if (whole && span <= maxLeaf && ((eBase + delta) & (span - 1)) == 0) {
                node.entries.set(ENTRY, (long) i << 3, codec.leafEntry(eBase + delta, bits, lastLevel));
                node.live++;
                continue;
            }
            TableNode child = node.children[i];
            if (child == null) {
                child = newTable(d + 1);
                node.entries.set(ENTRY, (long) i << 3, codec.tableEntry(child.hpa));
                node.children[i] = child;
                node.live++;
            }
            mapRange(child, d + 1, eBase, lo, hi, delta, bits, maxLeaf);
        }
    }

    /** The lowest mapped address in {@code [from, to)}, or -1. */
    private long firstMapped(TableNode node, int d, long nodeBase, long from, long to) {
        long span = 1L << shifts[d];
        boolean lastLevel = d == levels - 1;
        int first = index(from, d);
        int last = index(to - 1, d);
        for (int i = first; i <= last; i++) {
            long e = node.entries.get(ENTRY, (long) i << 3);
            if (!codec.isPresent(e)) {
                continue;
            }
            long eBase = nodeBase + i * span;
            long lo = Math.max(from, eBase);
            if (codec.isLeaf(e, lastLevel)) {
                return lo;
            }
            long found = firstMapped(node.children[i], d + 1, eBase, lo, Math.min(to, eBase + span));
            if (found >= 0) {
                return found;
            }
        }
        return -1;
    }

    // ---- unmap / protect ----

    @Override
    public boolean unmap(long gpa, long size) {
        checkOpen();
        checkRange("unmap", gpa, size);
        long end = gpa + size;
        splitAround(gpa, end);
        modified = false;
        boolean present = clearRange(root, 0, 0, gpa, end);
        if (modified) {
            flushHook.flush(gpa, size);
        }
        return present;
    }

    @Override
    public boolean protect(long gpa, long size, MappingFlags flags) {
        checkOpen();
        checkRange("protect", gpa, size);
        int bits = format.encodedFlags(Objects.requireNonNull(flags, "flags")).bits();
        long end = gpa + size;
        splitAround(gpa, end);
        modified = false;
        boolean present = reprotectRange(root, 0, 0, gpa, end, bits);
        if (modified) {
            flushHook.flush(gpa, size);
        }
        return present;
    }

    /**
     * Splits the blocks that straddle {@code from} or {@code to}, so that afterwards every leaf
     * either lies inside the range or outside it. Splitting keeps every translation as it was,
     * so a frame shortage half-way through changes nothing a walk can see.
     */
    private void splitAround(long from, long to) {
        splitAt(from);
        if (to < gpaLimit) {
            splitAt(to);
        }
    }

    private void splitAt(long addr) {
        TableNode node = root;
        for (int d = 0; d < levels; d++) {
            int i = index(addr, d);
            long e = node.entries.get(ENTRY, (long) i << 3);
            boolean lastLevel = d == levels - 1;
            if (!codec.isPresent(e) || lastLevel) {
                return;
            }
            if (codec.isLeaf(e, false)) {
                if ((addr & ((1L << shifts[d]) - 1)) == 0) {
                    return;
                }
                node = split(node, i, e, d);
            } else {
                node = node.children[i];
            }
        }
    }

    /** Replaces the block entry {@code e} at {@code node[i]} by a table of the same mappings one level down. */
    private TableNode split(TableNode node, int i, long e, int d) {
        long base = codec.address(e);
        int bits = codec.flags(e);
        TableNode child = newTable(d + 1);
        boolean childLast = d + 1 == levels - 1;
        long childSpan = 1L << shifts[d + 1];
        for (int j = 0; j < ENTRIES; j++) {
            child.entries.set(ENTRY, (long) j << 3, codec.leafEntry(base + j * childSpan, bits, childLast));
        }
        child.live = ENTRIES;
        node.entries.set(ENTRY, (long) i << 3, codec.tableEntry(child.hpa));
        node.children[i] = child;
        return child;
    }

    /** Clears every leaf in {@code [from, to)} (none may straddle it), freeing tables left empty. */
    private boolean clearRange(TableNode node, int d, long nodeBase, long from, long to) {
        long span = 1L << shifts[d];
        boolean lastLevel = d == levels - 1;
        boolean present = false;
        int first = index(from, d);
        int last = index(to - 1, d);
        for (int i = first; i <= last; i++) {
            long off = (long) i << 3;
            long e = node.entries.get(ENTRY, off);
            if (!codec.isPresent(e)) {
                continue;
            }
            long eBase = nodeBase + i * span;
            if (codec.isLeaf(e, lastLevel)) {
                if (eBase < from || eBase + span > to) {
                    throw new IllegalStateException("leaf at GPA 0x" + Long.toHexString(eBase) + " straddles "
                            + range(from, to - from) + " (split missing)");
                }
                node.entries.set(ENTRY, off, 0L);
                node.live--;
                present = true;
                modified = true;
                continue;
            }
            TableNode child = node.children[i];
            present |= clearRange(child, d + 1, eBase, Math.max(from, eBase), Math.min(to, eBase + span));
            if (child.live == 0) {
                node.entries.set(ENTRY, off, 0L);
                node.children[i] = null;
                node.live--;
                freeTable(child);
            }
        }
        return present;
    }

    private boolean reprotectRange(TableNode node, int d, long nodeBase, long from, long to, int bits) {
        long span = 1L << shifts[d];
        boolean lastLevel = d == levels - 1;
        boolean present = false;
        int first = index(from, d);
        int last = index(to - 1, d);
        for (int i = first; i <= last; i++) {
            long off = (long) i << 3;
            long e = node.entries.get(ENTRY, off);
            if (!codec.isPresent(e)) {
                continue;
            }
            long eBase = nodeBase + i * span;
            if (codec.isLeaf(e, lastLevel)) {
                long updated = codec.leafEntry(codec.address(e), bits, lastLevel);
                if (updated != e) {
                    node.entries.set(ENTRY, off, updated);
                    modified = true;
                }
                present = true;
                continue;
            }
            present |= reprotectRange(node.children[i], d + 1, eBase, Math.max(from, eBase), Math.min(to, eBase + span), bits);
        }
        return present;
    }

    // ---- lookups ----

    @Override
    public long translate(long gpa) {
        checkOpen();
        if (gpa < 0 || gpa >= gpaLimit) {
            return UNMAPPED;
        }
        // A non-null child is exactly a table entry pointing at it (every change keeps the two in step), so
        // the walk follows Java links through the upper levels and reads table memory only for the final entry.
        TableNode node = root;
        for (int d = 0; ; d++) {
            int shift = shifts[d];
            int i = (int) ((gpa >>> shift) & indexMasks[d]);
            TableNode[] children = node.children;
            if (children != null) {
                TableNode child = children[i];
                if (child != null) {
                    node = child;
                    continue;
                }
            }
            long e = node.entries.get(ENTRY, (long) i << 3);
            if (!codec.isPresent(e) || !codec.isLeaf(e, d == levels - 1)) {
                return UNMAPPED;
            }
            return codec.address(e) | (gpa & ((1L << shift) - 1));
        }
    }

    @Override
    public Optional<PageMapping> query(long gpa) {
        checkOpen();
        if (gpa < 0 || gpa >= gpaLimit) {
            return Optional.empty();
        }
        TableNode node = root;
        for (int d = 0; d < levels; d++) {
            int i = index(gpa, d);
            long e = node.entries.get(ENTRY, (long) i << 3);
            boolean lastLevel = d == levels - 1;
            if (!codec.isPresent(e)) {
                return Optional.empty();
            }
            if (codec.isLeaf(e, lastLevel)) {
                long span = 1L << shifts[d];
                return Optional.of(new PageMapping(GuestPhysAddr.of(gpa & -span), HostPhysAddr.of(codec.address(e)),
                        PageSize.ofBytes(span), MappingFlags.of(codec.flags(e))));
            }
            if (lastLevel) {
                return Optional.empty();
            }
            node = node.children[i];
        }
        return Optional.empty();
    }

    @Override
    public List<PageMapping> query(long gpa, long size) {
        checkOpen();
        checkRange("query", gpa, size);
        List<PageMapping> out = new ArrayList<>();
        collect(root, 0, 0, gpa, gpa + size, out);
        return out;
    }

    private void collect(TableNode node, int d, long nodeBase, long from, long to, List<PageMapping> out) {
        long span = 1L << shifts[d];
        boolean lastLevel = d == levels - 1;
        for (int i = index(from, d), last = index(to - 1, d); i <= last; i++) {
            long e = node.entries.get(ENTRY, (long) i << 3);
            if (!codec.isPresent(e)) {
                continue;
            }
            long eBase = nodeBase + i * span;
            if (codec.isLeaf(e, lastLevel)) {
                out.add(new PageMapping(GuestPhysAddr.of(eBase), HostPhysAddr.of(codec.address(e)), PageSize.ofBytes(span),
                        MappingFlags.of(codec.flags(e))));
            } else if (!lastLevel) {
                collect(node.children[i], d + 1, eBase, Math.max(from, eBase), Math.min(to, eBase + span), out);
            }
        }
    }

    // ---- frames ----

    private TableNode newTable(int depth) {
        HostPhysAddr f = handler.allocFrame();
        MemorySegment seg;
        try {
            checkTableFrame(f, 1);
            seg = handler.physToSegment(f, FRAME);
        } catch (RuntimeException e) {
            handler.freeFrame(f);
            throw e;
        }
        // The handler promises zeroed frames; zeroing again is cheap and makes a stale entry impossible.
        seg.fill((byte) 0);
        tableFrames++;
        return new TableNode(f.value(), seg, ENTRIES, depth == levels - 1);
    }

    private void checkTableFrame(HostPhysAddr f, int frames) {
        long v = f.value();
        if ((v & (frames * FRAME - 1)) != 0 || v < 0 || v > hpaLimit - frames * FRAME) {
            throw new IllegalStateException("paging handler gave table frame " + f + " (" + frames
                    + " frames): not aligned to its size or beyond " + format + "'s " + format.outputBits() + "-bit addresses");
        }
    }

    private void freeTable(TableNode table) {
        handler.freeFrame(HostPhysAddr.of(table.hpa));
        tableFrames--;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeChildren(root);
        handler.freeFrames(HostPhysAddr.of(root.hpa), format.rootFrames());
        tableFrames -= format.rootFrames();
    }

    private void freeChildren(TableNode node) {
        if (node.children == null) {
            return;
        }
        for (int i = 0; i < node.children.length; i++) {
            TableNode child = node.children[i];
            if (child != null) {
                freeChildren(child);
                node.children[i] = null;
                freeTable(child);
            }
        }
    }

    // ---- checks ----

    private int index(long addr, int d) {
        return (int) ((addr >>> shifts[d]) & indexMasks[d]);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(format + " page table is closed");
        }
    }

    private void checkRange(String op, long gpa, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException(op + ": size " + size + " at GPA 0x" + Long.toHexString(gpa) + " is not positive");
        }
        if ((gpa & (FRAME - 1)) != 0) {
            throw new IllegalArgumentException(op + ": GPA 0x" + Long.toHexString(gpa) + " is not 4 KiB aligned");
        }
        if ((size & (FRAME - 1)) != 0) {
            throw new IllegalArgumentException(op + ": size 0x" + Long.toHexString(size) + " is not a multiple of 4 KiB");
        }
        if (gpa < 0 || gpa >= gpaLimit || size > gpaLimit - gpa) {
            throw new IllegalArgumentException(op + ": GPA 0x" + Long.toHexString(gpa) + " + size 0x" + Long.toHexString(size)
                    + " leaves " + format + "'s " + format.inputBits() + "-bit guest-physical range");
        }
    }

    private void checkHpa(long hpa, long size) {
        if ((hpa & (FRAME - 1)) != 0) {
            throw new IllegalArgumentException("map: HPA 0x" + Long.toHexString(hpa) + " is not 4 KiB aligned");
        }
        if (hpa < 0 || hpa >= hpaLimit || size > hpaLimit - hpa) {
            throw new IllegalArgumentException("map: HPA 0x" + Long.toHexString(hpa) + " + size 0x" + Long.toHexString(size)
                    + " leaves " + format + "'s " + format.outputBits() + "-bit host-physical range");
        }
    }

    private static String range(long gpa, long size) {
        return "GPA [0x" + Long.toHexString(gpa) + ", 0x" + Long.toHexString(gpa + size) + ")";
    }
}
