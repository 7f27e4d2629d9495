package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void alignmentHelpersRoundAndCheck() {
        assertEquals(0x1000, Address.alignDown(0x1fff, 0x1000));
        assertEquals(0x2000, Address.alignUp(0x1001, 0x1000));
        assertEquals(0x2000, Address.alignUp(0x2000, 0x1000));
        assertEquals(-0x1000L, Address.alignDown(-1L, 0x1000), "unsigned values near 2^64 round down");
        assertThrows(ArithmeticException.class, () -> Address.alignUp(-1L, 0x1000), "rounding up past 2^64");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Address.alignDown(5, 3));
        assertTrue(e.getMessage().contains("0x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Address.checkAlign(0));
        assertThrows(IllegalArgumentException.class, () -> Address.checkAlign(Long.MIN_VALUE + 1));
    }

    @Test
    void addRefusesToWrapEitherWay() {
        assertEquals(0x3000, Address.add(0x1000, 0x2000));
        assertEquals(0x1000, Address.add(0x3000, -0x2000));
        assertEquals(-1L, Address.add(-2L, 1), "2^64 - 1 is reachable");
        assertThrows(ArithmeticException.class, () -> Address.add(-1L, 1));
        assertThrows(ArithmeticException.class, () -> Address.add(0x1000, -0x2000));
        assertThrows(ArithmeticException.class, () -> GuestPhysAddr.of(-0x1000L).add(0x1000));
    }

    @Test
    void addressTypesShareTheHelpersAndNameThemselves() {
        GuestPhysAddr g = GuestPhysAddr.of(0x1234);
        assertEquals(0x234, g.pageOffset());
        assertFalse(g.isPageAligned());
        assertTrue(g.alignDown(0x1000).isPageAligned());
        assertEquals(GuestPhysAddr.of(0x2000), g.alignUp(0x1000));
        assertEquals("GPA 0x1234", g.toString());
        assertEquals("GVA 0x10", GuestVirtAddr.of(0x10).toString());
        assertEquals("HPA 0xfffffffffffff000", HostPhysAddr.of(-0x1000L).toString(), "printed unsigned");
        assertEquals("HVA 0x20", HostVirtAddr.of(0x10).add(0x10).toString());
        assertEquals(HostVirtAddr.of(0x1000), HostVirtAddr.of(0x1fff).alignDown(0x1000));
        assertEquals(GuestVirtAddr.of(0x2000), GuestVirtAddr.of(0x1001).alignUp(0x1000));
        assertEquals(HostPhysAddr.of(0x2000), HostPhysAddr.of(0x1001).alignUp(0x1000));
        assertTrue(HostPhysAddr.of(0x200000).isAligned(1 << 21));
    }
}
