package dev.axvm.device.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import org.junit.jupiter.api.Test;

/** The 16550 on ports (COM1) and in MMIO with each register shift, driven through the registry. */
class Uart16550DeviceTest {
    private final CapturingSerialSink out = new CapturingSerialSink();
    private final AxVmDevices devices = new AxVmDevices();
    private final AccessOutcome outcome = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 16)));

    private long read(long addr, AccessWidth w) {
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(addr, w, outcome), outcome::describe);
        return outcome.value();
    }

    private void write(long addr, AccessWidth w, long v) {
        assertEquals(AccessStatus.COMPLETED, devices.mmioWrite(addr, w, v, outcome), outcome::describe);
    }

    @Test
    void com1SitsOnPorts3f8To3ffAndTransmits() {
        Uart16550PortDevice com1 = new Uart16550PortDevice("com1", Uart16550PortDevice.COM1_PORT,
                new Uart16550(out, SerialSource.none(), InterruptLine.disconnected()));
        devices.add(com1);
        assertEquals(new PortRange(0x3f8, 8), com1.addressRange());
        assertEquals(EmulatedDeviceType.CONSOLE, com1.emulatedType());
        devices.portWrite(0x3fb, AccessWidth.BYTE, 0x03, outcome);
        devices.portWrite(0x3f8, AccessWidth.BYTE, 'O', outcome);
        devices.portWrite(0x3f8, AccessWidth.BYTE, 'K', outcome);
        assertEquals("OK", out.text());
        assertEquals(AccessStatus.COMPLETED, devices.portRead(0x3fd, AccessWidth.BYTE, outcome));
        assertEquals(0x60, outcome.value());
        assertEquals(AccessStatus.UNMAPPED, devices.portRead(0x400, AccessWidth.BYTE, outcome));
    }

    @Test
    void widePortAccessReachesOnlyTheFirstRegister() {
        devices.add(new Uart16550PortDevice("com1", 0x3f8, new Uart16550(out, SerialSource.none(),
                InterruptLine.disconnected())));
        devices.portWrite(0x3ff, AccessWidth.BYTE, 0x42, outcome);
        devices.portWrite(0x3fc, AccessWidth.DWORD, 0xFFFF_FF00L, outcome);
        assertEquals(AccessStatus.COMPLETED, devices.portRead(0x3fc, AccessWidth.DWORD, outcome));
        assertEquals(0x00, outcome.value(), "MCR got the low byte 0; SCR untouched");
        devices.portRead(0x3ff, AccessWidth.BYTE, outcome);
        assertEquals(0x42, outcome.value());
    }

    @Test
    void portDeviceRefusesPortsPastFfff() {
        Uart16550 uart = new Uart16550(out, SerialSource.none(), InterruptLine.disconnected());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Uart16550PortDevice("com9", 0xfffc, uart));
        assertTrue(e.getMessage().contains("com9") && e.getMessage().contains("0xfffc"), e.getMessage());
    }

    @Test
    void mmioShiftZeroPutsRegistersOneByteApart() {
        long base = Uart16550MmioDevice.RISCV_VIRT_BASE;
        devices.add(new Uart16550MmioDevice("uart0", base, 0x100, 0,
                new Uart16550(out, SerialSource.none(), InterruptLine.disconnected())));
        write(base + 7, AccessWidth.BYTE, 0x5A);
        assertEquals(0x5A, read(base + 7, AccessWidth.BYTE));
        assertEquals(0x60, read(base + 5, AccessWidth.BYTE));
        write(base, AccessWidth.BYTE, 'r');
        assertEquals("r", out.text());
        assertEquals(0, read(base + 8, AccessWidth.BYTE), "past the eight registers reads 0");
        write(base + 0x80, AccessWidth.QWORD, -1);
        assertEquals(0, read(base + 0x80, AccessWidth.QWORD));
    }

    @Test
    void mmioShiftTwoPutsRegistersFourBytesApartFor32BitAccessors() {
        long base = 0x1000_0000L;
        devices.add(new Uart16550MmioDevice("uart0", base, 0x20, 2,
                new Uart16550(out, SerialSource.none(), InterruptLine.disconnected())));
        write(base + 7 * 4, AccessWidth.DWORD, 0xABCD_EF12L);
        assertEquals(0x12, read(base + 7 * 4, AccessWidth.DWORD), "SCR took the low byte, read zero-extended");
        assertEquals(0x60, read(base + 5 * 4, AccessWidth.DWORD));
        write(base + 3 * 4 + 1, AccessWidth.BYTE, 0x80);
        assertEquals(0, read(base + 3 * 4, AccessWidth.BYTE), "a byte between registers went nowhere");
        assertEquals(0, read(base + 5 * 4 + 2, AccessWidth.WORD), "between registers reads 0");
    }

    @Test
    void mmioShiftOneWorks() {
        long base = 0x2000;
        devices.add(new Uart16550MmioDevice("uart0", base, 0x10, 1,
                new Uart16550(out, SerialSource.none(), InterruptLine.disconnected())));
        write(base + 14, AccessWidth.WORD, 0x77);
        assertEquals(0x77, read(base + 14, AccessWidth.WORD));
        assertEquals(0, read(base + 13, AccessWidth.BYTE));
    }

    @Test
    void mmioDeviceRefusesBadShiftsShortWindowsAndWrapping() {
        Uart16550 uart = new Uart16550(out, SerialSource.none(), InterruptLine.disconnected());
        assertThrows(IllegalArgumentException.class, () -> new Uart16550MmioDevice("u", 0, 0x100, 3, uart));
        assertThrows(IllegalArgumentException.class, () -> new Uart16550MmioDevice("u", 0, 0x100, -1, uart));
        IllegalArgumentException shortWindow = assertThrows(IllegalArgumentException.class,
                () -> new Uart16550MmioDevice("u", 0, 0x10, 2, uart));
        assertTrue(shortWindow.getMessage().contains("0x10") && shortWindow.getMessage().contains("0x20"),
                shortWindow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Uart16550MmioDevice("u", -8, 0x10, 0, uart));
        assertEquals(new GuestPhysAddrRange(-8, 8), new Uart16550MmioDevice("u", -8, 8, 0, uart).addressRange());
    }
}
