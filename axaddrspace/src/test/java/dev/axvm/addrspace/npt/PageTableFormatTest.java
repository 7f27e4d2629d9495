package dev.axvm.addrspace.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.MappingFlags;
import org.junit.jupiter.api.Test;

class PageTableFormatTest {
    @Test
    void geometryFollowsTheManuals() {
        assertEquals(512, PageTableFormat.EPT.rootEntries());
        assertEquals(1L << 48, PageTableFormat.EPT.gpaLimit());
        assertEquals(1024, PageTableFormat.AARCH64_S2_3L.rootEntries(), "40-bit IPA from level 1: 2 concatenated tables");
        assertEquals(2, PageTableFormat.AARCH64_S2_3L.rootFrames());
        assertEquals(512, PageTableFormat.AARCH64_S2_4L.rootEntries());
        assertEquals(2048, PageTableFormat.SV39X4.rootEntries(), "Sv39x4: 41-bit GPA, 16 KiB root");
        assertEquals(4, PageTableFormat.SV48X4.rootFrames());
        assertEquals(1L << 50, PageTableFormat.SV48X4.gpaLimit());
        assertEquals("hgatp", PageTableFormat.SV39X4.rootRegisterName());
    }

    @Test
    void encodedFlagsDropUserAndLetDeviceWinOverUncached() {
        for (PageTableFormat f : PageTableFormat.values()) {
            assertEquals(MappingFlags.RWX, f.encodedFlags(MappingFlags.RWX.union(MappingFlags.USER)));
            assertEquals(MappingFlags.RW.union(MappingFlags.DEVICE),
                    f.encodedFlags(MappingFlags.of(MappingFlags.READ_BIT | MappingFlags.WRITE_BIT | MappingFlags.DEVICE_BIT
                            | MappingFlags.UNCACHED_BIT)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.encodedFlags(MappingFlags.DEVICE));
            assertTrue(e.getMessage().contains("DEVICE"), e.getMessage());
        }
    }

    @Test
    void writeOnlyIsEncodableOnlyOnArm() {
        assertEquals(MappingFlags.WRITE, PageTableFormat.AARCH64_S2_3L.encodedFlags(MappingFlags.WRITE));
        assertEquals(MappingFlags.WRITE, PageTableFormat.AARCH64_S2_4L.encodedFlags(MappingFlags.WRITE));
        for (PageTableFormat f : new PageTableFormat[] {PageTableFormat.EPT, PageTableFormat.SV39X4, PageTableFormat.SV48X4}) {
            assertThrows(IllegalArgumentException.class, () -> f.encodedFlags(MappingFlags.WRITE), f.toString());
        }
    }

    @Test
    void pageSizesByBytes() {
        assertEquals(PageSize.SIZE_2M, PageSize.ofBytes(1 << 21));
        assertThrows(IllegalArgumentException.class, () -> PageSize.ofBytes(8192));
    }
}
