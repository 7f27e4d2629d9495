package dev.axvm.addrspace.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.MappingFlags;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RISC-V G-stage PTEs against values computed by hand from the privileged spec: the Sv39/Sv48
 * PTE (V bit 0, R 1, W 2, X 3, U 4, G 5, A 6, D 7, RSW 9:8, PPN 53:10), the hypervisor
 * extension's Sv39x4/Sv48x4 (16 KiB root, 2 extra GPA bits) and the hgatp CSR (MODE 63:60,
 * VMID 57:44, PPN 43:0).
 */
class RiscvGStageEncodingTest {
    private static final long HPA = 0x8020_0000L;
    private static final long PPN_FIELD = (HPA >>> 12) << 10;

    private record Fixture(ArenaPagingHandler handler, NestedPageTable pt, RawTableDecoder raw, long root, int last)
            implements AutoCloseable {
        static Fixture of(PageTableFormat f) {
            ArenaPagingHandler h = new ArenaPagingHandler(1 << 20);
            NestedPageTable pt = NestedPageTable.create(f, h);
            return new Fixture(h, pt, new RawTableDecoder(f, h), pt.rootAddress().value(), f.levels() - 1);
        }

        long leaf(long gpa) {
            return raw.rawEntry(root, gpa, last);
        }

        @Override
        public void close() {
            pt.close();
            assertEquals(0, handler.liveFrames(), "every table frame returned");
            handler.close();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void leavesCarryUserAccessedAndDirtyOnlyWhenWritable(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.RWX, PageSize.SIZE_4K);
            x.pt.map(0x2000, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
            x.pt.map(0x3000, HPA, 0x1000, MappingFlags.of(MappingFlags.READ_BIT | MappingFlags.EXECUTE_BIT), PageSize.SIZE_4K);
            x.pt.map(0x4000, HPA, 0x1000, MappingFlags.EXECUTE, PageSize.SIZE_4K);
            assertEquals(PPN_FIELD | 0xDF, x.leaf(0x1000), "V|R|W|X|U|A|D = 0xDF, PPN in bits 53:10");
            assertEquals(PPN_FIELD | 0x53, x.leaf(0x2000), "V|R|U|A: read-only leaves D clear");
            assertEquals(PPN_FIELD | 0x5B, x.leaf(0x3000), "V|R|X|U|A");
            assertEquals(PPN_FIELD | 0x59, x.leaf(0x4000), "V|X|U|A: execute-only");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void memoryTypeGoesToTheSoftwareBits(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.RW.union(MappingFlags.DEVICE), PageSize.SIZE_4K);
            x.pt.map(0x2000, HPA, 0x1000, MappingFlags.RW.union(MappingFlags.UNCACHED), PageSize.SIZE_4K);
            assertEquals(PPN_FIELD | 0x1D7, x.leaf(0x1000), "RSW bit 8 records DEVICE; PBMT (62:61) stays 0 without Svpbmt");
            assertEquals(PPN_FIELD | 0x2D7, x.leaf(0x2000), "RSW bit 9 records UNCACHED");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void nonLeafEntriesAreValidBitAndPpnOnly(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x1000, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
            for (int d = 0; d < f.levels() - 1; d++) {
                long e = x.raw.rawEntry(x.root, 0x1000, d);
                assertEquals(1, e & 0x3FF, "pointer PTE: V=1, R=W=X=0, U/A/D reserved 0 (depth " + d + ")");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void megaAndGigaPagesAreLeavesAtLevels1And2(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            x.pt.map(0x20_0000, 0x4000_0000L, 0x20_0000, MappingFlags.RWX, PageSize.SIZE_2M);
            x.pt.map(0x4000_0000L, 0x8000_0000L, 0x4000_0000L, MappingFlags.RWX, PageSize.SIZE_1G);
            assertEquals((0x4000_0000L >>> 12) << 10 | 0xDF, x.raw.rawEntry(x.root, 0x20_0000, f.levels() - 2),
                    "level-1 leaf (megapage): PPN[0] = 0");
            assertEquals((0x8000_0000L >>> 12) << 10 | 0xDF, x.raw.rawEntry(x.root, 0x4000_0000L, f.levels() - 3),
                    "level-2 leaf (gigapage): PPN[1] = PPN[0] = 0");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void rootIsSixteenKiBWithTwoExtraIndexBits(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            assertEquals(0, x.root & 0x3FFF, "x4 root must be 16 KiB aligned");
            long topBit = 1L << (f.inputBits() - 1); // GPA bit 40 (Sv39x4) or 49 (Sv48x4): root index 1024
            x.pt.map(topBit, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
            assertEquals(1, x.raw.entry(x.root, 1024) & 0x3FF, "root entry 1024 lies in the third 4 KiB of the root");
            assertEquals(HPA + 8, x.pt.translate(topBit + 8));
            assertEquals(NestedPageTable.UNMAPPED, x.pt.translate(1L << f.inputBits()), "beyond the x4 range");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void hgatpHoldsModeAndRootPpn(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            long mode = f == PageTableFormat.SV39X4 ? 8 : 9;
            assertEquals(mode << 60 | x.root >>> 12, x.pt.rootRegister(), "hgatp: MODE (63:60) " + mode + ", VMID 0, PPN (43:0)");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SV39X4", "SV48X4"})
    void writeWithoutReadIsAReservedEncoding(PageTableFormat f) {
        try (Fixture x = Fixture.of(f)) {
            assertThrows(IllegalArgumentException.class,
                    () -> x.pt.map(0x1000, HPA, 0x1000, MappingFlags.of(MappingFlags.WRITE_BIT | MappingFlags.EXECUTE_BIT),
                            PageSize.SIZE_4K));
        }
    }
}
