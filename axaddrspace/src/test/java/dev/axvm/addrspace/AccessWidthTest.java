package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AccessWidthTest {
    @Test
    void sizesBitsAndMasks() {
        assertEquals(AccessWidth.BYTE, AccessWidth.ofSize(1));
        assertEquals(AccessWidth.WORD, AccessWidth.ofSize(2));
        assertEquals(AccessWidth.DWORD, AccessWidth.ofSize(4));
        assertEquals(AccessWidth.QWORD, AccessWidth.ofSize(8));
        assertEquals(32, AccessWidth.DWORD.bits());
        assertEquals(0xffffL, AccessWidth.WORD.mask());
        assertEquals(-1L, AccessWidth.QWORD.mask());
    }

    @Test
    void truncateAndSignExtend() {
        assertEquals(0x34L, AccessWidth.BYTE.truncate(0x1234));
        assertEquals(0xffff_ffffL, AccessWidth.DWORD.truncate(-1L));
        assertEquals(-1L, AccessWidth.BYTE.signExtend(0xff));
        assertEquals(0x7fL, AccessWidth.BYTE.signExtend(0x17f));
        assertEquals(-0x8000L, AccessWidth.WORD.signExtend(0x8000));
        assertEquals(0x1234_5678_9abc_def0L, AccessWidth.QWORD.signExtend(0x1234_5678_9abc_def0L));
    }

    @Test
    void guestChosenSizesNeverThrowFromOfSizeOrNull() {
        for (int size : new int[] {-1, 0, 3, 5, 6, 7, 9, 16, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertNull(AccessWidth.ofSizeOrNull(size), "size " + size);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessWidth.ofSize(3));
        assertEquals("access width of 3 bytes (expected 1, 2, 4 or 8)", e.getMessage());
    }
}
