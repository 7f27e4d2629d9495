package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceAddrRangeTest {
    @Test
    void guestPhysRangesContainAndOverlapAsUnsignedNumbers() {
        GuestPhysAddrRange r = GuestPhysAddrRange.of(GuestPhysAddr.of(0x1000), 0x1000);
        assertEquals(0x1fff, r.last());
        assertTrue(r.contains(0x1000));
        assertTrue(r.contains(0x1fff));
        assertFalse(r.contains(0x2000));
        assertFalse(r.contains(-1L));
        assertTrue(r.overlaps(new GuestPhysAddrRange(0x1fff, 1)));
        assertFalse(r.overlaps(new GuestPhysAddrRange(0x2000, 1)));
        GuestPhysAddrRange top = new GuestPhysAddrRange(-0x1000L, 0x1000);
        assertEquals(-1L, top.last(), "a range may end at 2^64 - 1");
        assertTrue(top.contains(-1L));
        assertFalse(top.contains(0x1000));
        assertEquals("GPA [0x1000, 0x2000)", r.toString());
    }

    @Test
    void guestPhysRangesRefuseEmptyAndWrapping() {
        assertThrows(IllegalArgumentException.class, () -> new GuestPhysAddrRange(0x1000, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GuestPhysAddrRange(-0x1000L, 0x1001));
        assertTrue(e.getMessage().contains("0xfffffffffffff000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GuestPhysAddrRange(0x1000, -1), "a negative size is 2^64 - 1: wraps");
    }

    @Test
    void portsStayInsideSixteenBits() {
        assertEquals("port 0x3f8", Port.of(0x3f8).toString());
        assertThrows(IllegalArgumentException.class, () -> Port.of(0x10000));
        assertThrows(IllegalArgumentException.class, () -> Port.of(-1));
        PortRange com1 = PortRange.of(Port.of(0x3f8), 8);
        assertEquals(0x3ff, com1.last());
        assertTrue(com1.contains(0x3ff));
        assertFalse(com1.contains(0x400));
        assertTrue(new PortRange(0xffff, 1).contains(0xffff));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(0xffff, 2));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(0x10, Integer.MAX_VALUE));
        assertTrue(com1.overlaps(new PortRange(0x3f0, 9)));
        assertFalse(com1.overlaps(new PortRange(0x3f0, 8)));
    }

    @Test
    void systemRegisterRangesAreInclusive() {
        SysRegAddrRange r = SysRegAddrRange.of(SysRegAddr.of(0x10), SysRegAddr.of(0x10));
        assertTrue(r.contains(0x10));
        assertFalse(r.contains(0x11));
        assertThrows(IllegalArgumentException.class, () -> new SysRegAddrRange(0x11, 0x10));
        assertTrue(new SysRegAddrRange(0, -1L).contains(Long.MIN_VALUE), "the whole unsigned range");
        assertEquals("sysreg 0xc0000080", SysRegAddr.of(0xc0000080L).toString());
    }
}
