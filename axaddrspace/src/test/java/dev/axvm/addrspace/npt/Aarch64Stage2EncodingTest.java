package dev.axvm.addrspace.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AArch64 stage-2 descriptors against values computed by hand from the Arm ARM, VMSAv8-64
 * "Translation table descriptor formats" and "Stage 2 memory region attributes": bits 1:0 type,
 * 5:2 MemAttr, 7:6 S2AP, 9:8 SH, 10 AF, 54 XN, 47:12 output address.
 */
class Aarch64Stage2EncodingTest {
    private static final long HPA = 0x1234_5000L;
    private static final long XN = 1L << 54;

    private record Fixture(ArenaPagingHandler handler, NestedPageTable pt, RawTableDecoder raw, long root, int pageDepth)
            implements AutoCloseable {
        static Fixture of(PageTableFormat f) {
            ArenaPagingHandler h = new ArenaPagingHandler(1 << 20);
            NestedPageTable pt = NestedPageTable.create(f, h);
            return new Fixture(h, pt, new RawTableDecoder(f, h), pt.rootAddress().value(), f.levels() - 1);
        }

        long page(long gpa) {
            return raw.rawEntry(root, gpa, pageDepth);
        }

        @Override
        public void close() {
            pt.close();
            assertEquals(0, handler.liveFrames(), "every table frame returned");
            handler.close();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AARCH64_S2_3L", "AARCH64_S2_4L"})
    void normalMemoryPagesAreWriteBackInnerShareableWithAccessFlag(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.RWX, PageSize.SIZE_4K);
            x.pt.map(0x2000, HPA, 0x1000, MappingFlags.RW, PageSize.SIZE_4K);
            x.pt.map(0x3000, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
            // 0b11 page | MemAttr 0b1111 << 2 | S2AP 0b11 << 6 | SH 0b11 << 8 | AF << 10 = 0x7FF
            assertEquals(HPA | 0x7FF, x.page(0x1000), "page: type 0b11, MemAttr 0b1111 (normal WB), S2AP RW, SH inner, AF, XN clear");
            assertEquals(HPA | 0x7FF | XN, x.page(0x2000), "page: XN (bit 54) set when not executable");
            assertEquals(HPA | 0x77F | XN, x.page(0x3000), "page: S2AP 0b01 read-only");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AARCH64_S2_3L", "AARCH64_S2_4L"})
    void writeOnlyAndExecuteOnlyAreExpressible(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.WRITE, PageSize.SIZE_4K);
            x.pt.map(0x2000, HPA, 0x1000, MappingFlags.EXECUTE, PageSize.SIZE_4K);
            assertEquals(HPA | 0x7BF | XN, x.page(0x1000), "S2AP 0b10: write-only");
            assertEquals(HPA | 0x73F, x.page(0x2000), "S2AP 0b00 with XN clear: execute-only");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AARCH64_S2_3L", "AARCH64_S2_4L"})
    void deviceIsNGnReAndUncachedIsNormalNonCacheable(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.RW.union(MappingFlags.DEVICE), PageSize.SIZE_4K);
            x.pt.map(0x2000, HPA, 0x1000, MappingFlags.RW.union(MappingFlags.UNCACHED), PageSize.SIZE_4K);
            assertEquals(HPA | 0x7C7 | XN, x.page(0x1000), "MemAttr 0b0001: Device-nGnRE");
            assertEquals(HPA | 0x7D7 | XN, x.page(0x2000), "MemAttr 0b0101: normal, outer and inner non-cacheable");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AARCH64_S2_3L", "AARCH64_S2_4L"})
    void blocksUseType0b01AtLevels1And2(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x20_0000, 0x4000_0000L, 0x20_0000, MappingFlags.RWX, PageSize.SIZE_2M);
            x.pt.map(0x4000_0000L, 0x8000_0000L, 0x4000_0000L, MappingFlags.RWX, PageSize.SIZE_1G);
            int l2 = f.levels() - 2;
            int l1 = f.levels() - 3;
            assertEquals(0x4000_0000L | 0x7FD, x.raw.rawEntry(x.root, 0x20_0000, l2), "level-2 block: bits 1:0 = 0b01, OA bits 47:21");
            assertEquals(0x8000_0000L | 0x7FD, x.raw.rawEntry(x.root, 0x4000_0000L, l1), "level-1 block: bits 1:0 = 0b01, OA bits 47:30");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AARCH64_S2_3L", "AARCH64_S2_4L"})
    void tableDescriptorsAreAddressAndType0b11(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
            for (int d = 0; d < f.levels() - 1; d++) {
                long e = x.raw.rawEntry(x.root, 0x1000, d);
                assertEquals(3, e & 0xFFF, "table descriptor: bits 1:0 = 0b11, no stage-2 attributes (depth " + d + ")");
                assertEquals(0, e >>> 48, "table descriptor: upper attributes RES0");
                assertTrue(x.handler.owns(HostPhysAddr.of(e)), "bits 47:12 name a table frame");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AARCH64_S2_3L", "AARCH64_S2_4L"})
    void vttbrIsTheRootWithVmidZero(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            assertEquals(x.root, x.pt.rootRegister(), "VTTBR_EL2: BADDR = root, VMID (63:48) 0, CnP 0");
        }
    }

    @org.junit.jupiter.api.Test
    void fortyBitFormatHasTwoConcatenatedLevel1Tables() {
        try (Fixture x = Fixture.of(PageTableFormat.AARCH64_S2_3L)) {
            assertEquals(0, x.root & 0x1FFF, "8 KiB root is aligned to 8 KiB (VTTBR_EL2.BADDR bits below are RES0)");
            assertEquals(1024, PageTableFormat.AARCH64_S2_3L.rootEntries(), "T0SZ 24, SL0 1: IPA bits 39:30 index level 1");
            long gpa = 0x80_4000_0000L; // IPA bit 39 set: second concatenated table, entry 1
            x.pt.map(gpa, 0xC000_0000L, 0x4000_0000L, MappingFlags.RWX, PageSize.SIZE_1G);
            assertEquals(0xC000_0000L | 0x7FD, x.raw.entry(x.root, 513), "root entry 513 is at byte 4104: the second 4 KiB table");
            assertEquals(0xC000_1234L, x.pt.translate(gpa + 0x1234));
        }
    }

    @org.junit.jupiter.api.Test
    void fortyEightBitFormatReachesTheTopOfTheIpaSpace() {
        try (Fixture x = Fixture.of(PageTableFormat.AARCH64_S2_4L)) {
            long gpa = (1L << 48) - 0x1000;
            x.pt.map(gpa, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
            assertEquals(3, x.raw.entry(x.root, 511) & 3, "level-0 entry 511 (IPA bits 47:39 all ones) is a table");
            assertEquals(HPA + 0x10, x.pt.translate(gpa + 0x10));
        }
    }
}
