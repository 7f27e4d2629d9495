package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MappingFlagsTest {
    @Test
    void bitValuesAreAxVisors() {
        assertEquals(0x7, MappingFlags.RWX.bits(), "a config's 0x7 is READ|WRITE|EXECUTE");
        assertEquals(1, MappingFlags.READ_BIT);
        assertEquals(2, MappingFlags.WRITE_BIT);
        assertEquals(4, MappingFlags.EXECUTE_BIT);
        assertEquals(8, MappingFlags.USER_BIT);
        assertEquals(16, MappingFlags.DEVICE_BIT);
        assertEquals(32, MappingFlags.UNCACHED_BIT);
    }

    @Test
    void unknownBitsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MappingFlags.of(0x40));
        assertTrue(e.getMessage().contains("0x40"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MappingFlags.of(-1));
    }

    @Test
    void setOperations() {
        MappingFlags rw = MappingFlags.READ.union(MappingFlags.WRITE);
        assertEquals(MappingFlags.RW, rw);
        assertTrue(MappingFlags.RWX.contains(rw));
        assertFalse(rw.contains(MappingFlags.RWX));
        assertTrue(rw.contains(MappingFlags.NONE));
        assertEquals(MappingFlags.READ, rw.minus(MappingFlags.WRITE));
        assertTrue(rw.has(MappingFlags.WRITE_BIT));
        assertFalse(rw.has(MappingFlags.READ_BIT | MappingFlags.EXECUTE_BIT));
    }

    @Test
    void printsTheNames() {
        assertEquals("NONE", MappingFlags.NONE.toString());
        assertEquals("READ|WRITE|DEVICE", MappingFlags.RW.union(MappingFlags.DEVICE).toString());
        assertEquals("EXECUTE|USER|UNCACHED", MappingFlags.of(4 | 8 | 32).toString());
    }
}
