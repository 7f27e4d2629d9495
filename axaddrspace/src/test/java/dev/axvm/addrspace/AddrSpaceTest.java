package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.npt.PageSize;
import dev.axvm.addrspace.npt.PageTableFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AddrSpaceTest {
    private static final long P = 4096;
    private static final long M2 = 1L << 21;
    private static final long G = 1L << 30;
    private static final long RAM = 0x4000_0000L;

    private final ArenaPagingHandler handler = new ArenaPagingHandler(32L << 20);
    private final List<long[]> blocks = new ArrayList<>();
    private final List<long[]> flushes = new ArrayList<>();
    private AddrSpace<ArenaPagingHandler> space = newSpace(PageTableFormat.EPT);

    private AddrSpace<ArenaPagingHandler> newSpace(PageTableFormat f) {
        return new AddrSpace<>(handler, f, GuestPhysAddr.of(0), 4 * G, PageSize.SIZE_1G,
                (gpa, size) -> flushes.add(new long[] {gpa, size}));
    }

    /** A host block the test owns, as a VMM's guest RAM would be. */
    private HostPhysAddr block(long bytes, int alignFrames) {
        HostPhysAddr b = handler.allocFrames((int) (bytes / P), alignFrames);
        blocks.add(new long[] {b.value(), bytes / P});
        return b;
    }

    @AfterEach
    void closeAndCount() {
        space.close();
        for (long[] b : blocks) {
            handler.freeFrames(HostPhysAddr.of(b[0]), (int) b[1]);
        }
        assertEquals(0, handler.liveFrames(), "close() returned every frame the space allocated");
        handler.close();
    }

    private static GuestMemoryException assertGuestFault(long expectedGpa, Executable call) {
        GuestMemoryException e = assertThrows(GuestMemoryException.class, call);
        assertEquals(expectedGpa, e.gpa(), e.getMessage());
        assertTrue(e.getMessage().contains("0x" + Long.toHexString(expectedGpa)), "message names the GPA: " + e.getMessage());
        return e;
    }

    private static void assertRefused(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' names " + fragment);
    }

    // ---------------------------------------------------------------- mapping

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void mapLinearTranslatesEveryByteWithBlocks(PageTableFormat f) {
        space.close();
        space = newSpace(f);
        HostPhysAddr host = block(4 * M2, 512);
        space.mapLinear(GuestPhysAddr.of(RAM), host, 4 * M2, MappingFlags.RWX);
        for (long off : new long[] {0, 1, P - 1, P, M2 + 17, 4 * M2 - 1}) {
            assertEquals(host.value() + off, space.translate(RAM + off), "GPA 0x" + Long.toHexString(RAM + off));
        }
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM + 4 * M2));
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM - 1));
        assertEquals(PageSize.SIZE_2M, space.query(RAM).orElseThrow().size(), "2 MiB-aligned host block: 2 MiB entries");
        Translation t = space.translateAndGetLimit(GuestPhysAddr.of(RAM + P + 5)).orElseThrow();
        assertEquals(host.add(P + 5), t.hpa());
        assertEquals(4 * M2 - P - 5, t.limit(), "bytes to the end of the area");
        assertTrue(space.translateAndGetLimit(GuestPhysAddr.of(0)).isEmpty());
        assertEquals(host, space.translate(GuestPhysAddr.of(RAM)).orElseThrow());
        assertEquals(4, space.query(GuestPhysAddr.of(0), 4 * G).size(), "four 2 MiB entries in the whole space");
    }

    @Test
    void maxPageSizeBoundsLinearEntries() {
        space.close();
        space = new AddrSpace<>(handler, PageTableFormat.EPT, GuestPhysAddr.of(0), 8 * G, PageSize.SIZE_2M, (g, s) -> { });
        space.mapLinear(GuestPhysAddr.of(G), HostPhysAddr.of(1L << 40), G, MappingFlags.RW.union(MappingFlags.DEVICE));
        assertEquals(PageSize.SIZE_2M, space.query(G).orElseThrow().size());
    }

    @Test
    void badRequestsAreRefusedWithTheValueAndChangeNothing() {
        HostPhysAddr host = block(16 * P, 1);
        space.mapLinear(GuestPhysAddr.of(RAM), host, 4 * P, MappingFlags.RW);
        int live = handler.liveFrames();
        GuestPhysAddr g = GuestPhysAddr.of(RAM + 8 * P);
        assertRefused("overlaps area GPA [0x40000000, 0x40004000)",
                () -> space.mapAlloc(GuestPhysAddr.of(RAM + 3 * P), 2 * P, MappingFlags.RW, true));
        assertRefused("0x40008001", () -> space.mapAlloc(GuestPhysAddr.of(RAM + 8 * P + 1), P, MappingFlags.RW, true));
        assertRefused("size -4096", () -> space.mapAlloc(g, -P, MappingFlags.RW, true));
        assertRefused("size 0 ", () -> space.mapLinear(g, host, 0, MappingFlags.RW));
        assertRefused("0x1001", () -> space.mapLinear(g, host, 0x1001, MappingFlags.RW));
        assertRefused("HPA 0x" + Long.toHexString(host.value() + 8), () -> space.mapLinear(g, host.add(8), P, MappingFlags.RW));
        assertRefused("wraps past 2^64", () -> space.unmap(GuestPhysAddr.of(-P), 2 * P));
        assertRefused("wraps past 2^64", () -> space.mapLinear(g, HostPhysAddr.of(-P), 2 * P, MappingFlags.RW));
        assertRefused("outside the address space", () -> space.mapAlloc(GuestPhysAddr.of(4 * G), P, MappingFlags.RW, false));
        assertRefused("outside the address space", () -> space.protect(GuestPhysAddr.of(4 * G - P), 2 * P, MappingFlags.RW));
        assertRefused("outside the address space", () -> space.unmap(GuestPhysAddr.of(Long.MIN_VALUE), P));
        assertRefused("not memory the paging handler exposes",
                () -> space.mapLinear(g, HostPhysAddr.of(0x1000), P, MappingFlags.RW));
        assertRefused("NONE", () -> space.mapAlloc(g, P, MappingFlags.NONE, true));
        assertRefused("WRITE without READ", () -> space.protect(GuestPhysAddr.of(RAM), P, MappingFlags.WRITE));
        assertEquals(live, handler.liveFrames(), "no frame allocated by refused requests");
        assertEquals(1, space.areas().size());
        assertEquals(MappingFlags.RW, space.query(RAM).orElseThrow().flags());
    }

    @Test
    void constructorRefusesBadRanges() {
        assertRefused("0x1001", () -> new AddrSpace<>(handler, PageTableFormat.EPT, GuestPhysAddr.of(0x1001), P));
        assertRefused("0x0", () -> new AddrSpace<>(handler, PageTableFormat.EPT, GuestPhysAddr.of(0), 0));
        assertRefused("41-bit", () -> new AddrSpace<>(handler, PageTableFormat.SV39X4, GuestPhysAddr.of(0), 1L << 42));
        assertRefused("40-bit", () -> new AddrSpace<>(handler, PageTableFormat.AARCH64_S2_3L, GuestPhysAddr.of(-P), P));
    }

    @Test
    void populatedAllocGivesDistinctZeroedFramesOfTheHandler() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 16 * P, MappingFlags.RW, true);
        Set<Long> frames = new HashSet<>();
        for (long p = RAM; p < RAM + 16 * P; p += P) {
            long hpa = space.translate(p);
            assertTrue(handler.owns(HostPhysAddr.of(hpa)));
            assertTrue(frames.add(hpa), "distinct frame per page");
            assertEquals(0, space.readLong(p + 8));
        }
        assertEquals(PageSize.SIZE_4K, space.query(RAM).orElseThrow().size());
        assertFalse(space.handlePageFault(RAM, MappingFlags.READ), "a populated area never needs a fault resolved");
    }

    @Test
    void populateFailureReturnsEveryFrame() {
        int before = handler.liveFrames();
        long free = handler.capacityFrames() - handler.liveFrames();
        assertThrows(FrameAllocationException.class,
                () -> space.mapAlloc(GuestPhysAddr.of(RAM), (free + 1) * P, MappingFlags.RW, true));
        assertEquals(before, handler.liveFrames());
        assertTrue(space.areas().isEmpty());
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM));
    }

    // ---------------------------------------------------------------- faults

    @Test
    void lazyPagesArePopulatedByTheFirstAllowedFault() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 8 * P, MappingFlags.RW, false);
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM + 3 * P));
        int live = handler.liveFrames();
        int tables = space.pageTableFrames();
        assertTrue(space.handlePageFault(RAM + 3 * P + 123, MappingFlags.WRITE));
        long hpa = space.translate(RAM + 3 * P);
        assertNotEquals(AddrSpace.UNMAPPED, hpa);
        assertEquals(live + 1 + (space.pageTableFrames() - tables), handler.liveFrames(), "one frame for the page, plus its tables");
        int afterFirst = handler.liveFrames();
        assertTrue(space.handlePageFault(RAM + 3 * P, MappingFlags.READ), "a second fault finds the page mapped");
        assertEquals(hpa, space.translate(RAM + 3 * P));
        assertEquals(afterFirst, handler.liveFrames(), "no frame for a fault on a mapped page");
        assertEquals(MappingFlags.RW, space.query(RAM + 3 * P).orElseThrow().flags());
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM + 4 * P), "neighbours stay lazy");
        assertTrue(space.handlePageFault(new NestedPageFaultInfo(GuestPhysAddr.of(RAM + 5 * P), MappingFlags.READ)));
    }

    @Test
    void faultsTheAreaCannotSatisfyReturnFalseAndNeverThrow() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 8 * P, MappingFlags.READ, false);
        space.mapLinear(GuestPhysAddr.of(RAM + 16 * P), block(P, 1), P, MappingFlags.RWX);
        int live = handler.liveFrames();
        assertFalse(space.handlePageFault(RAM, MappingFlags.WRITE), "write to a read-only lazy area");
        assertFalse(space.handlePageFault(RAM, MappingFlags.RWX));
        assertFalse(space.handlePageFault(RAM + 8 * P, MappingFlags.READ), "outside every area");
        assertFalse(space.handlePageFault(RAM + 16 * P, MappingFlags.READ), "linear areas are never faulted in");
        for (long hostile : new long[] {-1L, Long.MIN_VALUE, Long.MAX_VALUE, 4 * G, 1L << 52}) {
            assertFalse(space.handlePageFault(hostile, MappingFlags.READ), "GPA 0x" + Long.toHexString(hostile));
        }
        assertFalse(space.handlePageFault(RAM, null));
        assertFalse(space.handlePageFault(null));
        assertFalse(space.handlePageFault(new NestedPageFaultInfo(null, MappingFlags.READ)));
        assertEquals(live, handler.liveFrames());
        space.close();
        assertFalse(space.handlePageFault(RAM, MappingFlags.READ), "after close");
    }

    @Test
    void concurrentFaultsPopulateEachPageOnce() throws InterruptedException {
        space.mapAlloc(GuestPhysAddr.of(RAM), 64 * P, MappingFlags.RW, false);
        int live = handler.liveFrames();
        int tablesBefore = space.pageTableFrames();
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 64; i++) {
                    long gpa = RAM + ((i * 7L + seed * 13L) % 64) * P;
                    if (!space.handlePageFault(gpa, MappingFlags.READ)) {
                        refused.incrementAndGet();
                    }
                    space.readLong(gpa);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, refused.get());
        assertEquals(live + 64 + (space.pageTableFrames() - tablesBefore), handler.liveFrames(), "exactly one frame per page");
    }

    // ---------------------------------------------------------------- unmap / protect

    @Test
    void unmapInsideAnAllocAreaSplitsItAndFreesThoseFrames() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 8 * P, MappingFlags.RW, true);
        long keep = space.translate(RAM + 5 * P);
        int live = handler.liveFrames();
        space.unmap(GuestPhysAddr.of(RAM + 2 * P), 2 * P);
        assertEquals(live - 2, handler.liveFrames());
        List<MemoryArea> areas = space.areas();
        assertEquals(2, areas.size());
        assertEquals(RAM, areas.get(0).start().value());
        assertEquals(2 * P, areas.get(0).size());
        assertEquals(RAM + 4 * P, areas.get(1).start().value());
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM + 3 * P));
        assertEquals(keep, space.translate(RAM + 5 * P), "the rest keeps its frames");
        assertEquals(1, flushes.size());
        assertEquals(RAM + 2 * P, flushes.get(0)[0]);
    }

    @Test
    void unmapInsideALinearBlockSplitsAreaAndBlock() {
        HostPhysAddr host = block(M2, 512);
        space.mapLinear(GuestPhysAddr.of(RAM), host, M2, MappingFlags.RWX);
        space.unmap(GuestPhysAddr.of(RAM + 16 * P), P);
        List<MemoryArea> areas = space.areas();
        assertEquals(2, areas.size());
        AreaBackend.Linear second = (AreaBackend.Linear) areas.get(1).backend();
        assertEquals(host.add(17 * P), second.hostStart(), "the split keeps the host offset");
        assertEquals(host.value() + 17 * P, second.hostMemory().orElseThrow().address());
        assertEquals(M2 - 17 * P, second.hostMemory().orElseThrow().byteSize());
        assertEquals(host.value() + 17 * P + 3, space.translate(RAM + 17 * P + 3));
        assertEquals(PageSize.SIZE_4K, space.query(RAM).orElseThrow().size());
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM + 16 * P));
    }

    @Test
    void unmapOverHolesAndNothingIsFine() {
        space.unmap(GuestPhysAddr.of(RAM), G);
        space.mapAlloc(GuestPhysAddr.of(RAM + P), P, MappingFlags.RW, true);
        space.unmap(GuestPhysAddr.of(RAM), 4 * P);
        assertTrue(space.areas().isEmpty());
    }

    @Test
    void protectRewritesPartOfAnAreaAndLaterFaultsUseTheNewFlags() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 4 * P, MappingFlags.RWX, false);
        space.handlePageFault(RAM, MappingFlags.READ);
        space.protect(GuestPhysAddr.of(RAM), 2 * P, MappingFlags.READ);
        assertEquals(MappingFlags.READ, space.query(RAM).orElseThrow().flags());
        assertFalse(space.handlePageFault(RAM + P, MappingFlags.WRITE), "the protected part refuses writes");
        assertTrue(space.handlePageFault(RAM + P, MappingFlags.READ));
        assertEquals(MappingFlags.READ, space.query(RAM + P).orElseThrow().flags(), "populated with the area's new flags");
        assertTrue(space.handlePageFault(RAM + 2 * P, MappingFlags.WRITE));
        assertEquals(MappingFlags.RWX, space.query(RAM + 2 * P).orElseThrow().flags());
        List<MemoryArea> areas = space.areas();
        assertEquals(2, areas.size());
        assertEquals(MappingFlags.READ, areas.get(0).flags());
        assertEquals(MappingFlags.RWX, areas.get(1).flags());
        assertEquals(1, flushes.size(), "one flush: the populated page lost WRITE and EXECUTE");
    }

    // ---------------------------------------------------------------- guest memory

    @Test
    void primitivesAreLittleEndian() {
        HostPhysAddr host = block(P, 1);
        space.mapLinear(GuestPhysAddr.of(RAM), host, P, MappingFlags.RW);
        space.writeInt(RAM, 0x11223344);
        assertEquals((byte) 0x44, space.readByte(RAM));
        assertEquals((short) 0x3344, space.readShort(RAM));
        assertEquals(0x11223344, space.readInt(RAM));
        MemorySegment hostView = handler.physToSegment(host, 8);
        assertEquals((byte) 0x11, hostView.get(ValueLayout.JAVA_BYTE, 3), "byte 3 in host memory");
        space.writeLong(RAM + 8, 0x0102030405060708L);
        assertEquals(0x08, space.readByte(RAM + 8));
        assertEquals(0x0102030405060708L, space.readLong(RAM + 8));
        space.writeShort(RAM + 100, (short) 0xBEEF);
        space.writeByte(RAM + 102, (byte) 0x7F);
        assertEquals(0x7FBEEF, space.readInt(RAM + 100) & 0xFFFFFF);
    }

    @Test
    void accessesCrossPagesOfAllocAreasAndAreaBoundaries() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 2 * P, MappingFlags.RW, true);
        HostPhysAddr host = block(2 * P, 1);
        space.mapLinear(GuestPhysAddr.of(RAM + 2 * P), host, 2 * P, MappingFlags.RW);
        assertNotEquals(space.translate(RAM) + P, space.translate(RAM + P), "test premise: frames not adjacent")
                ;
        space.writeLong(RAM + P - 3, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, space.readLong(RAM + P - 3), "across two frames");
        space.writeInt(RAM + 2 * P - 2, 0xCAFEBABE);
        assertEquals(0xCAFEBABE, space.readInt(RAM + 2 * P - 2), "across the alloc/linear boundary");
        assertEquals((short) 0xCAFE, handler.physToSegment(host, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        byte[] data = new byte[(int) (4 * P - 10)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        space.write(RAM + 5, data, 0, data.length);
        byte[] back = new byte[data.length];
        space.read(RAM + 5, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(data[(int) (P - 5)], handler.physToSegment(HostPhysAddr.of(space.translate(RAM + P)), 1)
                .get(ValueLayout.JAVA_BYTE, 0), "the byte at RAM + P went to the second frame");
        assertTrue(space.isRam(RAM, 4 * P));
    }

    @Test
    void accessStraddlingTheEndOfRamFailsWholeAndNamesTheFirstBadGpa() {
        HostPhysAddr host = block(P, 1);
        space.mapLinear(GuestPhysAddr.of(RAM), host, P, MappingFlags.RW);
        space.writeInt(RAM + P - 4, 0x01020304);
        assertGuestFault(RAM + P, () -> space.writeLong(RAM + P - 4, -1L));
        assertEquals(0x01020304, space.readInt(RAM + P - 4), "nothing of the failed write landed");
        byte[] buf = new byte[16];
        java.util.Arrays.fill(buf, (byte) 9);
        assertGuestFault(RAM + P, () -> space.read(RAM + P - 8, buf, 0, 16));
        assertGuestFault(RAM + P, () -> space.write(RAM + P - 8, buf, 0, 16));
        assertEquals(0x01020304, space.readInt(RAM + P - 4));
        assertGuestFault(RAM + P, () -> space.readLong(RAM + P - 1));
        assertGuestFault(RAM - 1, () -> space.readShort(RAM - 1));
        assertFalse(space.isRam(RAM + P - 4, 8));
        assertTrue(space.isRam(RAM + P - 4, 4));
    }

    @Test
    void deviceAreasAreNotRam() {
        space.mapLinear(GuestPhysAddr.of(RAM), HostPhysAddr.of(0xFE00_0000L), P, MappingFlags.RW.union(MappingFlags.DEVICE));
        GuestMemoryException e = assertGuestFault(RAM + 4, () -> space.readInt(RAM + 4));
        assertTrue(e.getMessage().contains("device"), e.getMessage());
        assertFalse(space.isRam(RAM, 1));
        assertEquals(0xFE00_0004L, space.translate(RAM + 4), "device pages are still translated");
        MemoryArea a = space.areas().get(0);
        assertFalse(a.isRam());
        assertTrue(((AreaBackend.Linear) a.backend()).hostMemory().isEmpty(), "no host view of device memory");
    }

    @Test
    void hostileGuestAddressesNeverReachHostMemory() {
        space.mapAlloc(GuestPhysAddr.of(0), P, MappingFlags.RW, true);
        assertGuestFault(-1L, () -> space.readByte(-1L));
        assertGuestFault(Long.MIN_VALUE, () -> space.readLong(Long.MIN_VALUE));
        assertGuestFault(-8L, () -> space.readLong(-8L)); // ends exactly at 2^64: wraps
        assertGuestFault(-4L, () -> space.writeLong(-4L, 1));
        assertGuestFault(4 * G, () -> space.readInt(4 * G));
        assertGuestFault(-16L, () -> space.read(-16L, new byte[32], 0, 32));
        GuestMemoryException e = assertGuestFault(4 * G - 8, () -> space.read(4 * G - 8, new byte[8], 0, 8));
        assertTrue(e.getMessage().contains("not mapped"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> space.read(0, new byte[4], 2, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> space.write(0, new byte[4], -1, 2));
        assertFalse(space.isRam(0, -1));
        assertFalse(space.isRam(-8, 16));
        assertFalse(space.isRam(P - 4, Long.MAX_VALUE));
        assertEquals(AddrSpace.UNMAPPED, space.translate(-1L));
        assertEquals(AddrSpace.UNMAPPED, space.translate(Long.MIN_VALUE));
    }

    @Test
    void byteBuffersAndSegmentsTransferTheirRemainingBytes() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 2 * P, MappingFlags.RW, true);
        ByteBuffer heap = ByteBuffer.allocate(16);
        heap.position(4);
        heap.putInt(4, 0xAABBCCDD); // ByteBuffer's default order: AA first
        space.write(RAM + P - 6, heap);
        assertEquals(16, heap.position());
        assertEquals(0xDDCCBBAA, space.readInt(RAM + P - 6), "bytes AA BB CC DD read as a little-endian int");
        ByteBuffer direct = ByteBuffer.allocateDirect(12);
        space.read(RAM + P - 6, direct);
        assertEquals(12, direct.position());
        assertEquals(0xAABBCCDD, direct.getInt(0), "the same bytes back, across the frame boundary");
        assertThrows(ReadOnlyBufferException.class, () -> space.read(RAM, ByteBuffer.allocate(4).asReadOnlyBuffer()));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(P + 8);
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, P, 42L);
            space.write(RAM, seg);
            MemorySegment back = arena.allocate(8);
            space.read(RAM + P, back);
            assertEquals(42L, back.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
        GuestMemory asInterface = space;
        ByteBuffer viaDefault = ByteBuffer.allocate(2);
        asInterface.read(RAM + P, viaDefault);
        assertEquals(42, viaDefault.get(0));
    }

    @Test
    void hostAccessToALazyPagePopulatesIt() {
        space.mapAlloc(GuestPhysAddr.of(RAM), 4 * P, MappingFlags.RW, false);
        assertEquals(0, space.readInt(RAM + P + 8), "a fresh page reads as zero");
        assertNotEquals(AddrSpace.UNMAPPED, space.translate(RAM + P));
        assertEquals(AddrSpace.UNMAPPED, space.translate(RAM));
        space.write(RAM + 2 * P - 2, new byte[] {1, 2, 3, 4}, 0, 4);
        assertNotEquals(AddrSpace.UNMAPPED, space.translate(RAM + 2 * P), "a write across into a lazy page populates it");
        assertEquals(0x04030201, space.readInt(RAM + 2 * P - 2));
        assertTrue(space.isRam(RAM, 4 * P), "lazy pages are RAM before they are populated");
    }

    @Test
    void hostWindowsAreBoundsCheckedSegmentsOfContiguousRam() {
        HostPhysAddr host = block(8 * P, 1);
        space.mapLinear(GuestPhysAddr.of(RAM), host, 8 * P, MappingFlags.RWX);
        MemorySegment w = space.hostWindow(RAM + P, 2 * P);
        assertEquals(host.value() + P, w.address());
        assertEquals(2 * P, w.byteSize());
        w.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 77);
        assertEquals(77, space.readInt(RAM + P));
        assertThrows(IndexOutOfBoundsException.class, () -> w.get(ValueLayout.JAVA_BYTE, 2 * P));
        // A protect splits the area; the host block behind both parts is still one.
        space.protect(GuestPhysAddr.of(RAM + 4 * P), P, MappingFlags.READ);
        assertEquals(6 * P, space.hostWindow(RAM + P, 6 * P).byteSize());
        assertGuestFault(RAM + 8 * P, () -> space.hostWindow(RAM + 7 * P, 2 * P));
        space.mapAlloc(GuestPhysAddr.of(RAM + 16 * P), 2 * P, MappingFlags.RW, false);
        MemorySegment lazy = space.hostWindow(RAM + 16 * P + 8, 16);
        assertEquals(space.translate(RAM + 16 * P + 8), lazy.address(), "populated for the window");
        assertGuestFault(RAM + 17 * P, () -> space.hostWindow(RAM + 17 * P - 8, 16));
        assertThrows(IllegalArgumentException.class, () -> space.hostWindow(RAM, 0));
    }

    @Test
    void areasDescribeKindsFlagsAndHostMemory() {
        HostPhysAddr host = block(2 * P, 1);
        space.mapLinear(GuestPhysAddr.of(RAM), host, 2 * P, MappingFlags.RWX.union(MappingFlags.USER));
        space.mapAlloc(GuestPhysAddr.of(RAM + 4 * P), P, MappingFlags.READ, true);
        space.mapAlloc(GuestPhysAddr.of(RAM + 8 * P), P, MappingFlags.RW, false);
        List<MemoryArea> areas = space.areas();
        assertEquals(3, areas.size());
        MemoryArea linear = areas.get(0);
        assertEquals(MappingFlags.RWX.union(MappingFlags.USER), linear.flags(), "flags as given");
        assertEquals(RAM + 2 * P, linear.end());
        switch (linear.backend()) {
            case AreaBackend.Linear l -> {
                assertEquals(host, l.hostStart());
                assertEquals(2 * P, l.hostMemory().orElseThrow().byteSize());
            }
            case AreaBackend.Alloc a -> throw new AssertionError("linear expected");
        }
        assertEquals(new AreaBackend.Alloc(true), areas.get(1).backend());
        assertEquals(new AreaBackend.Alloc(false), areas.get(2).backend());
        assertEquals(MappingFlags.RWX, space.query(RAM).orElseThrow().flags(), "USER is not encoded");
    }

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void closeReturnsEveryFrameAndLaterUseIsRefused(PageTableFormat f) {
        space.close();
        space = newSpace(f);
        space.mapLinear(GuestPhysAddr.of(RAM), block(M2, 512), M2, MappingFlags.RWX);
        space.mapAlloc(GuestPhysAddr.of(2 * G), 64 * P, MappingFlags.RW, true);
        space.mapAlloc(GuestPhysAddr.of(3 * G), 64 * P, MappingFlags.RW, false);
        space.handlePageFault(3 * G + 5 * P, MappingFlags.READ);
        space.unmap(GuestPhysAddr.of(RAM + P), P);
        space.close();
        assertEquals(M2 / P, handler.liveFrames(), "only the test's own RAM block is live");
        space.close();
        assertThrows(IllegalStateException.class, () -> space.translate(RAM));
        assertThrows(IllegalStateException.class, () -> space.readInt(RAM));
        assertThrows(IllegalStateException.class, () -> space.mapAlloc(GuestPhysAddr.of(0), P, MappingFlags.RW, true));
        assertThrows(IllegalStateException.class, space::areas);
    }

    @Test
    void describesItselfAndItsTable() {
        assertEquals(PageTableFormat.EPT, space.format());
        assertEquals(GuestPhysAddr.of(0), space.base());
        assertEquals(4 * G, space.size());
        assertEquals(space.pageTableRoot().value() | 0x1E, space.pageTableRegister());
        assertEquals(1, space.pageTableFrames());
        assertEquals(handler, space.pagingHandler());
        assertTrue(space.toString().contains("EPT"));
    }
}
