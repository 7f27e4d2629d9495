package dev.axvm.addrspace.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.FrameAllocationException;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of every format's table: block choice, splitting, freeing, all-or-nothing failures, hostile arguments. */
class NestedPageTableTest {
    private static final long G = 1L << 30;
    private static final long M2 = 1L << 21;
    private static final long K4 = 1L << 12;
    private static final long HPA = 0x10_0000_0000L; // 64 GiB: 1 GiB aligned, never dereferenced

    private static final class Fixture implements AutoCloseable {
        final ArenaPagingHandler handler;
        final List<long[]> flushes = new ArrayList<>();
        final NestedPageTable pt;
        final RawTableDecoder raw;

        Fixture(PageTableFormat f, long poolBytes) {
            handler = new ArenaPagingHandler(poolBytes);
            pt = NestedPageTable.create(f, handler, (gpa, size) -> flushes.add(new long[] {gpa, size}));
            raw = new RawTableDecoder(f, handler);
        }

        Fixture(PageTableFormat f) {
            this(f, 4 << 20);
        }

        PageSize sizeAt(long gpa) {
            return pt.query(gpa).orElseThrow(() -> new AssertionError("GPA 0x" + Long.toHexString(gpa) + " unmapped")).size();
        }

        /** The raw tables agree with translate at {@code gpa}. */
        void agrees(long gpa) {
            RawTableDecoder.Leaf leaf = raw.walk(pt.rootAddress().value(), gpa);
            long expect = leaf == null ? NestedPageTable.UNMAPPED : leaf.hpa() + (gpa - leaf.gpa());
            assertEquals(expect, pt.translate(gpa), "raw walk vs translate at GPA 0x" + Long.toHexString(gpa));
        }

        int tables() {
            return raw.scan(pt.rootAddress().value()).tables();
        }

        @Override
        public void close() {
            pt.close();
            assertEquals(0, handler.liveFrames(), "close() returns every table frame");
            handler.close();
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void mapChoosesTheLargestEntryBothAddressesAllow(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            long gpa = G - K4;
            long size = K4 + G + M2 + K4;
            x.pt.map(gpa, HPA - K4, size, MappingFlags.RWX, PageSize.SIZE_1G);
            assertEquals(PageSize.SIZE_4K, x.sizeAt(G - K4), "head page before the 1 GiB boundary");
            assertEquals(PageSize.SIZE_1G, x.sizeAt(G), "aligned 1 GiB in the middle");
            assertEquals(PageSize.SIZE_2M, x.sizeAt(2 * G), "2 MiB after it");
            assertEquals(PageSize.SIZE_4K, x.sizeAt(2 * G + M2), "tail page");
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(2 * G + M2 + K4));
            for (long probe : new long[] {G - K4, G, G + 12345, 2 * G - 1, 2 * G + M2 + 5, 2 * G + M2 + K4}) {
                x.agrees(probe);
            }
            assertEquals(HPA + 12345, x.pt.translate(G + 12345));
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void rangeQueryListsEveryLeafInOrderWithBlocksWhole(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(G - K4, HPA - K4, K4 + G + M2, MappingFlags.RWX, PageSize.SIZE_1G);
            x.pt.map(4 * G, HPA, K4, MappingFlags.READ, PageSize.SIZE_4K);
            List<PageMapping> all = x.pt.query(0, 8 * G);
            assertEquals(4, all.size(), all.toString());
            assertEquals(new PageMapping(dev.axvm.addrspace.GuestPhysAddr.of(G - K4), HostPhysAddr.of(HPA - K4),
                    PageSize.SIZE_4K, MappingFlags.RWX), all.get(0));
            assertEquals(PageSize.SIZE_1G, all.get(1).size());
            assertEquals(2 * G, all.get(2).gpa().value());
            assertEquals(MappingFlags.READ, all.get(3).flags());
            List<PageMapping> inside = x.pt.query(G + M2, K4);
            assertEquals(1, inside.size(), "one block overlaps a page inside it");
            assertEquals(G, inside.get(0).gpa().value(), "reported whole");
            assertTrue(x.pt.query(3 * G, G).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> x.pt.query(0, -K4));
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void misalignedHostAddressForcesSmallPages(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(M2, HPA + K4, M2, MappingFlags.RW, PageSize.SIZE_1G);
            assertEquals(PageSize.SIZE_4K, x.sizeAt(M2), "GPA aligned but HPA not: no block");
            assertEquals(HPA + K4 + M2 - 1, x.pt.translate(2 * M2 - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void maxPageSizeBoundsTheEntries(PageTableFormat f) {
        try (Fixture x = new Fixture(f, 8 << 20)) {
            x.pt.map(G, HPA, G, MappingFlags.RW, PageSize.SIZE_2M);
            assertEquals(PageSize.SIZE_2M, x.sizeAt(G));
            assertEquals(PageSize.SIZE_2M, x.sizeAt(2 * G - 1));
            x.pt.map(4 * G, HPA, M2, MappingFlags.RW, PageSize.SIZE_4K);
            assertEquals(PageSize.SIZE_4K, x.sizeAt(4 * G + M2 - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void unmapOfHalfABlockSplitsIt(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(M2, HPA, M2, MappingFlags.RWX, PageSize.SIZE_2M);
            int before = x.pt.tableFrames();
            assertTrue(x.pt.unmap(M2, M2 / 2));
            assertEquals(before + 1, x.pt.tableFrames(), "one new last-level table");
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(M2));
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(M2 + M2 / 2 - 1));
            assertEquals(HPA + M2 / 2, x.pt.translate(M2 + M2 / 2), "the other half keeps its host address");
            PageMapping kept = x.pt.query(M2 + M2 / 2).orElseThrow();
            assertEquals(PageSize.SIZE_4K, kept.size());
            assertEquals(MappingFlags.RWX, kept.flags(), "split pages keep the block's flags");
            assertEquals(x.tables(), x.pt.tableFrames());
            x.agrees(M2 + M2 / 2 + 5);
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void unmapInsideAGigabyteBlockSplitsItTwice(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(G, HPA, G, MappingFlags.RW, PageSize.SIZE_1G);
            x.pt.unmap(G + 3 * M2 + K4, K4);
            assertEquals(PageSize.SIZE_2M, x.sizeAt(G), "untouched 2 MiB parts stay blocks");
            assertEquals(PageSize.SIZE_4K, x.sizeAt(G + 3 * M2), "the 2 MiB part around the hole is 4 KiB pages");
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(G + 3 * M2 + K4 + 7));
            assertEquals(HPA + 3 * M2 + 2 * K4, x.pt.translate(G + 3 * M2 + 2 * K4));
            assertEquals(HPA + G - 1, x.pt.translate(2 * G - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void protectOfPartOfABlockSplitsItAndKeepsTheRest(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(M2, HPA, M2, MappingFlags.RWX, PageSize.SIZE_2M);
            assertTrue(x.pt.protect(M2 + K4, K4, MappingFlags.READ));
            assertEquals(MappingFlags.READ, x.pt.query(M2 + K4).orElseThrow().flags());
            assertEquals(MappingFlags.RWX, x.pt.query(M2).orElseThrow().flags());
            assertEquals(MappingFlags.RWX, x.pt.query(M2 + 2 * K4).orElseThrow().flags());
            assertEquals(HPA + K4 + 9, x.pt.translate(M2 + K4 + 9));
            assertEquals(1, x.flushes.size(), "one flush for the protect");
            assertEquals(M2 + K4, x.flushes.get(0)[0]);
            assertEquals(K4, x.flushes.get(0)[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void protectOfAWholeBlockKeepsItABlock(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(M2, HPA, M2, MappingFlags.RWX, PageSize.SIZE_2M);
            int tables = x.pt.tableFrames();
            x.pt.protect(M2, M2, MappingFlags.READ.union(MappingFlags.DEVICE));
            assertEquals(PageSize.SIZE_2M, x.sizeAt(M2));
            assertEquals(tables, x.pt.tableFrames());
            assertEquals(MappingFlags.READ.union(MappingFlags.DEVICE), x.pt.query(M2 + 5).orElseThrow().flags());
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void unmapFreesTablesThatBecomeEmpty(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            long gpa = f.gpaLimit() - K4;
            x.pt.map(gpa, HPA, K4, MappingFlags.READ, PageSize.SIZE_4K);
            assertEquals(f.rootFrames() + f.levels() - 1, x.pt.tableFrames(), "one table per level below the root");
            x.pt.unmap(gpa, K4);
            assertEquals(f.rootFrames(), x.pt.tableFrames(), "only the root remains");
            assertEquals(f.rootFrames(), x.handler.liveFrames());
            assertEquals(f.rootFrames(), x.tables());
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void unmapOverHolesRemovesWhatIsThereAndFlushesOnlyOnChange(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(0, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K);
            x.pt.map(10 * K4, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K);
            assertTrue(x.pt.unmap(0, 20 * K4));
            assertEquals(1, x.flushes.size());
            assertFalse(x.pt.unmap(0, 20 * K4), "nothing left to unmap");
            assertFalse(x.pt.protect(0, 20 * K4, MappingFlags.READ));
            assertEquals(1, x.flushes.size(), "no flush when nothing changed");
            x.pt.map(0, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K);
            assertEquals(1, x.flushes.size(), "mapping into an empty slot needs no flush");
            x.pt.protect(0, K4, MappingFlags.RW);
            assertEquals(1, x.flushes.size(), "protect to the same flags changes no bit");
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void mapOverAMappedPageFailsAndChangesNothing(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            x.pt.map(5 * K4, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K);
            int tables = x.pt.tableFrames();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> x.pt.map(0, HPA, M2, MappingFlags.RW, PageSize.SIZE_2M));
            assertTrue(e.getMessage().contains("0x5000"), e.getMessage());
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(0));
            assertEquals(tables, x.pt.tableFrames());
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void frameExhaustionDuringMapLeavesTheTableAsItWas(PageTableFormat f) {
        // Enough for the root and a few tables, not for 8 MiB of 4 KiB pages spread over many 2 MiB tables.
        int rootFrames = f.rootFrames();
        try (Fixture x = new Fixture(f, (rootFrames + 5) * K4)) {
            x.pt.map(0, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K);
            int live = x.handler.liveFrames();
            assertThrows(FrameAllocationException.class, () -> x.pt.map(G, HPA, 8 * M2, MappingFlags.RW, PageSize.SIZE_4K));
            assertEquals(live, x.handler.liveFrames(), "tables made for the failed map are freed");
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(G));
            assertEquals(HPA, x.pt.translate(0));
            assertEquals(x.tables(), x.pt.tableFrames());
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void splitWithoutAFrameFailsAndKeepsTheBlockMapped(PageTableFormat f) {
        try (Fixture x = new Fixture(f, (f.rootFrames() + f.levels() - 2) * K4)) {
            x.pt.map(M2, HPA, M2, MappingFlags.RW, PageSize.SIZE_2M);
            assertThrows(FrameAllocationException.class, () -> x.pt.unmap(M2, K4));
            assertThrows(FrameAllocationException.class, () -> x.pt.protect(M2, K4, MappingFlags.READ));
            assertEquals(PageSize.SIZE_2M, x.sizeAt(M2));
            assertEquals(HPA, x.pt.translate(M2));
            assertEquals(MappingFlags.RW, x.pt.query(M2).orElseThrow().flags());
            assertTrue(x.flushes.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void hostileArgumentsAreRefusedWithTheValueInTheMessage(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            NestedPageTable pt = x.pt;
            assertMessage(() -> pt.map(0, HPA, -K4, MappingFlags.RW, PageSize.SIZE_4K), "-4096");
            assertMessage(() -> pt.map(0, HPA, 0, MappingFlags.RW, PageSize.SIZE_4K), "size 0");
            assertMessage(() -> pt.map(0x1234, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K), "0x1234");
            assertMessage(() -> pt.map(0, HPA + 1, K4, MappingFlags.RW, PageSize.SIZE_4K), "0x1000000001");
            assertMessage(() -> pt.map(0, HPA, 100, MappingFlags.RW, PageSize.SIZE_4K), "0x64");
            assertMessage(() -> pt.map(f.gpaLimit() - K4, HPA, 2 * K4, MappingFlags.RW, PageSize.SIZE_4K),
                    Long.toHexString(f.gpaLimit() - K4));
            assertMessage(() -> pt.map(-K4, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K), "0xfffffffffffff000");
            assertMessage(() -> pt.unmap(K4, Long.MAX_VALUE & -K4), "0x7ffffffffffff000");
            assertMessage(() -> pt.map(0, f.hpaLimit() - K4, 2 * K4, MappingFlags.RW, PageSize.SIZE_4K), "host-physical");
            assertMessage(() -> pt.map(0, -K4, K4, MappingFlags.RW, PageSize.SIZE_4K), "0xfffffffffffff000");
            assertMessage(() -> pt.protect(0, K4, MappingFlags.NONE), "NONE");
            assertEquals(NestedPageTable.UNMAPPED, pt.translate(-1));
            assertEquals(NestedPageTable.UNMAPPED, pt.translate(Long.MIN_VALUE));
            assertEquals(NestedPageTable.UNMAPPED, pt.translate(f.gpaLimit()));
            assertTrue(pt.query(-1).isEmpty());
            assertEquals(f.rootFrames(), x.handler.liveFrames(), "nothing was allocated by refused requests");
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' names " + fragment);
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void closeReturnsEveryFrameAndLaterUseIsRefused(PageTableFormat f) {
        ArenaPagingHandler handler = new ArenaPagingHandler(8 << 20);
        NestedPageTable pt = NestedPageTable.create(f, handler);
        pt.map(0, HPA, 64 * M2 + 3 * K4, MappingFlags.RWX, PageSize.SIZE_4K);
        pt.map(4 * G, HPA, G, MappingFlags.RWX, PageSize.SIZE_1G);
        assertTrue(handler.liveFrames() > 64);
        pt.close();
        assertEquals(0, handler.liveFrames());
        pt.close();
        assertThrows(IllegalStateException.class, () -> pt.translate(0));
        assertThrows(IllegalStateException.class, () -> pt.map(0, HPA, K4, MappingFlags.RW, PageSize.SIZE_4K));
        handler.close();
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void rootIsAlignedToItsSizeAndOwnedByTheHandler(PageTableFormat f) {
        try (Fixture x = new Fixture(f)) {
            HostPhysAddr root = x.pt.rootAddress();
            assertTrue(root.isAligned(f.rootFrames() * K4));
            assertTrue(x.handler.owns(root));
            assertEquals(f.rootFrames(), x.pt.tableFrames());
        }
    }
}
