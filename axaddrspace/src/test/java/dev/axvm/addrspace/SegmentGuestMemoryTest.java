package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** One segment as guest RAM at a base address: little-endian values, exact bounds. */
class SegmentGuestMemoryTest {

    @Test
    void valuesAreLittleEndianAtTheirGuestAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentGuestMemory m = new SegmentGuestMemory(0x8000_0000L, arena.allocate(4096));
            m.writeLong(0x8000_0010L, 0x0102_0304_0506_0708L);
            assertEquals(0x08, m.readByte(0x8000_0010L));
            assertEquals(0x0708, m.readShort(0x8000_0010L));
            assertEquals(0x0506_0708, m.readInt(0x8000_0010L));
            byte[] bytes = new byte[2];
            m.read(0x8000_0016L, bytes, 0, 2);
            assertArrayEquals(new byte[] {0x02, 0x01}, bytes);
        }
    }

    @Test
    void anAccessThatLeavesTheSegmentFailsWholeAndNamesTheAddress() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentGuestMemory m = new SegmentGuestMemory(0x1000, arena.allocate(4096));
            assertTrue(m.isRam(0x1000, 4096));
            assertFalse(m.isRam(0x1ffc, 8), "straddles the end");
            assertFalse(m.isRam(0xfff, 1), "below the base");
            assertFalse(m.isRam(0x1000, -1));
            GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> m.writeLong(0x1ffc, -1));
            assertEquals(0x1ffc, e.gpa());
            assertEquals("GPA 0x1ffc + 8 is outside guest RAM [0x1000, 0x2000)", e.getMessage());
            assertEquals(0, m.readInt(0x1ffc), "nothing was written");
            assertThrows(GuestMemoryException.class, () -> m.readByte(-1));
        }
    }
}
