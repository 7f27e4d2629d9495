package dev.axvm.addrspace.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EPT entries against values computed by hand from the Intel SDM vol. 3C, "EPT Translation
 * Mechanism" (the tables "Format of an EPT PML4 Entry", "... PDPTE that Maps a 1-GByte Page",
 * "... PDE that Maps a 2-MByte Page", "... Page-Table Entry that Maps a 4-KByte Page") and
 * "Extended-Page-Table Pointer (EPTP)".
 */
class EptEncodingTest {
    private static final long HPA = 0x1234_5000L;
    private final ArenaPagingHandler handler = new ArenaPagingHandler(1 << 20);
    private final NestedPageTable pt = NestedPageTable.create(PageTableFormat.EPT, handler);
    private final RawTableDecoder raw = new RawTableDecoder(PageTableFormat.EPT, handler);
    private final long root = pt.rootAddress().value();

    @AfterEach
    void close() {
        pt.close();
        assertEquals(0, handler.liveFrames(), "every table frame returned");
        handler.close();
    }

    private long pte(long gpa) {
        return raw.rawEntry(root, gpa, 3);
    }

    @Test
    void fourKiBReadWriteExecutePageIsWriteBackWithIgnorePat() {
        pt.map(0x1000, HPA, 0x1000, MappingFlags.RWX, PageSize.SIZE_4K);
        // bits 2:0 R/W/X = 111, bits 5:3 memory type 6 (WB) = 0x30, bit 6 ignore PAT = 0x40, bits 51:12 address.
        assertEquals(HPA | 0x77, pte(0x1000), "PTE: R|W|X, memory type WB (bits 5:3 = 6), IPAT (bit 6), address bits 51:12");
    }

    @Test
    void permissionBitsFollowTheFlags() {
        pt.map(0x1000, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
        pt.map(0x2000, HPA, 0x1000, MappingFlags.of(MappingFlags.READ_BIT | MappingFlags.EXECUTE_BIT), PageSize.SIZE_4K);
        pt.map(0x3000, HPA, 0x1000, MappingFlags.EXECUTE, PageSize.SIZE_4K);
        assertEquals(HPA | 0x71, pte(0x1000), "PTE bit 0 read only; bits 5:3 WB; bit 6 IPAT");
        assertEquals(HPA | 0x75, pte(0x2000), "PTE bits 0 and 2: read + execute");
        assertEquals(HPA | 0x74, pte(0x3000), "PTE bit 2 alone: execute-only (allowed when the CPU reports it)");
    }

    @Test
    void deviceIsUncacheableAndUncachedIsWriteCombining() {
        pt.map(0x1000, HPA, 0x1000, MappingFlags.of(MappingFlags.READ_BIT | MappingFlags.WRITE_BIT | MappingFlags.DEVICE_BIT),
                PageSize.SIZE_4K);
        pt.map(0x2000, HPA, 0x1000, MappingFlags.of(MappingFlags.READ_BIT | MappingFlags.WRITE_BIT | MappingFlags.UNCACHED_BIT),
                PageSize.SIZE_4K);
        assertEquals(HPA | 0x43, pte(0x1000), "PTE bits 5:3 memory type 0 (UC) for DEVICE, bit 6 IPAT");
        assertEquals(HPA | 0x4B, pte(0x2000), "PTE bits 5:3 memory type 1 (WC) for UNCACHED");
        assertEquals(MappingFlags.of(MappingFlags.READ_BIT | MappingFlags.WRITE_BIT | MappingFlags.DEVICE_BIT),
                pt.query(0x1000).orElseThrow().flags(), "decoded: memory type 0 reads back as DEVICE");
    }

    @Test
    void twoMiBAndOneGiBLeavesSetBit7() {
        pt.map(0x20_0000, 0x4000_0000L, 0x20_0000, MappingFlags.RWX, PageSize.SIZE_2M);
        pt.map(0x4000_0000L, 0x8000_0000L, 0x4000_0000L, MappingFlags.RW, PageSize.SIZE_1G);
        assertEquals(0x4000_0000L | 0xF7, raw.rawEntry(root, 0x20_0000, 2), "PDE maps a 2 MiB page: bit 7, RWX, WB, IPAT");
        assertEquals(0x8000_0000L | 0xF3, raw.rawEntry(root, 0x4000_0000L, 1), "PDPTE maps a 1 GiB page: bit 7, RW, WB, IPAT");
    }

    @Test
    void nonLeafEntriesGrantEverythingAndPointAtTheNextTable() {
        pt.map(0x1000, HPA, 0x1000, MappingFlags.READ, PageSize.SIZE_4K);
        for (int depth = 0; depth < 3; depth++) {
            long e = raw.rawEntry(root, 0x1000, depth);
            assertEquals(7, e & 0xFFF, "PML4E/PDPTE/PDE bits 2:0 = RWX, bits 7:3 reserved 0 (depth " + depth + ")");
            assertTrue(handler.owns(HostPhysAddr.of(e & 0x000F_FFFF_FFFF_F000L)), "bits 51:12 name a table frame");
        }
    }

    @Test
    void eptpSelectsWriteBackAndAFourLevelWalk() {
        // EPTP bits 2:0 memory type 6 (WB), bits 5:3 page-walk length - 1 = 3, bit 6 A/D off, bits 51:12 PML4.
        assertEquals(root | 0x1E, pt.rootRegister(), "EPTP = PML4 address | (4 - 1) << 3 | 6");
        assertEquals(0, root & 0xFFF, "PML4 is 4 KiB aligned");
    }

    @Test
    void writeWithoutReadIsRefusedAsAMisconfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pt.map(0x1000, HPA, 0x1000, MappingFlags.WRITE, PageSize.SIZE_4K));
        assertTrue(e.getMessage().contains("WRITE without READ"), e.getMessage());
    }

    @Test
    void userFlagHasNoStage2BitAndIsDropped() {
        pt.map(0x1000, HPA, 0x1000, MappingFlags.RWX.union(MappingFlags.USER), PageSize.SIZE_4K);
        assertEquals(HPA | 0x77, pte(0x1000), "USER leaves bit 10 (user-execute under MBEC) clear");
        assertEquals(MappingFlags.RWX, pt.query(0x1000).orElseThrow().flags());
    }
}
