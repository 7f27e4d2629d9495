package dev.axvm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.addrspace.SysRegAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: adding, refusing overlaps, and dispatching with every outcome. */
class AxVmDevicesTest {
    private final ArrayGuestMemory memory = new ArrayGuestMemory(0x8000_0000L, 0x1000);
    private final DeviceContext context = new DeviceContext(7, 2, memory);
    private final AccessOutcome outcome = new AccessOutcome(context);
    private final AxVmDevices devices = new AxVmDevices();

    /** A device that answers {@code addr + 1}, remembers writes, and throws where told. */
    static final class Probe implements MmioDevice {
        final String name;
        final GuestPhysAddrRange range;
        final List<String> log = new ArrayList<>();
        RuntimeException toThrow;
        DeviceContext lastContext;

        Probe(String name, long start, long size) {
            this.name = name;
            this.range = new GuestPhysAddrRange(start, size);
        }

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public GuestPhysAddrRange addressRange() {
            return range;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext ctx) {
            lastContext = ctx;
            if (toThrow != null) {
                throw toThrow;
            }
            log.add("read 0x" + Long.toHexString(addr) + " " + width);
            return addr + 1;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext ctx) {
            lastContext = ctx;
            if (toThrow != null) {
                throw toThrow;
            }
            log.add("write 0x" + Long.toHexString(addr) + " " + width + " 0x" + Long.toHexString(value));
        }
    }

    /** A port device with a fixed answer. */
    record PortProbe(PortRange addressRange, long answer) implements PortDevice {
        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext ctx) {
            return answer;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext ctx) {}
    }

    /** A system-register device answering the register address. */
    record RegProbe(SysRegAddrRange addressRange) implements SysRegDevice {
        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.INTERRUPT_CONTROLLER;
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext ctx) {
            return addr;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext ctx) {}
    }

    @Test
    void accessesReachTheOwnerWithTheAbsoluteAddressAndTheContext() {
        Probe a = new Probe("a", 0x1000, 0x100);
        Probe b = new Probe("b", 0x2000, 0x100);
        devices.add(b);
        devices.add(a);
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(0x1010, AccessWidth.DWORD, outcome));
        assertEquals(0x1011, outcome.value());
        assertSame(a, outcome.device());
        assertEquals(AccessStatus.COMPLETED, devices.mmioWrite(0x20FF, AccessWidth.BYTE, 0x7F, outcome));
        assertEquals(List.of("read 0x1010 DWORD"), a.log);
        assertEquals(List.of("write 0x20ff BYTE 0x7f"), b.log);
        assertSame(context, b.lastContext);
        assertEquals(2, devices.size());
        assertEquals(List.of(a, b), devices.mmioDevices());
    }

    @Test
    void aDeviceCanUseGuestMemoryThroughTheContext() {
        memory.writeInt(0x8000_0010L, 0xCAFE_F00D);
        MmioDevice dma = new MmioDevice() {
            @Override
            public EmulatedDeviceType emulatedType() {
                return EmulatedDeviceType.VIRTIO_BLK;
            }

            @Override
            public GuestPhysAddrRange addressRange() {
                return new GuestPhysAddrRange(0xA000, 0x10);
            }

            @Override
            public long handleRead(long addr, AccessWidth width, DeviceContext ctx) {
                return (long) ctx.vcpuId() << 32 | (ctx.memory().readInt(0x8000_0010L) & 0xFFFF_FFFFL);
            }

            @Override
            public void handleWrite(long addr, AccessWidth width, long value, DeviceContext ctx) {
                ctx.memory().writeLong(0x8000_0020L, value + ctx.vmId());
            }
        };
        devices.add(dma);
        devices.mmioRead(0xA000, AccessWidth.QWORD, outcome);
        assertEquals(0x2_CAFE_F00DL, outcome.value());
        devices.mmioWrite(0xA000, AccessWidth.QWORD, 100, outcome);
        assertEquals(107, memory.readLong(0x8000_0020L));
    }

    @Test
    void overlappingRangesAreRefusedNamingBothDevices() {
        devices.add(new Probe("uart", 0x1000, 0x100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> devices.add(new Probe("rtc", 0x10FF, 0x10)));
        assertTrue(e.getMessage().contains("'rtc'") && e.getMessage().contains("'uart'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> devices.add(new Probe("inside", 0x1010, 1)));
        assertThrows(IllegalArgumentException.class, () -> devices.add(new Probe("around", 0x0, 0x10000)));
        assertThrows(IllegalArgumentException.class, () -> devices.add(new Probe("same", 0x1000, 0x100)));
        devices.add(new Probe("below", 0xF00, 0x100));
        devices.add(new Probe("above", 0x1100, 0x100));
        assertEquals(3, devices.size(), "refused devices were not added");
    }

    @Test
    void kindsHaveSeparateAddressSpaces() {
        devices.add(new Probe("mmio", 0x3F8, 8));
        devices.add(new PortProbe(new PortRange(0x3F8, 8), 0x55));
        devices.add(new RegProbe(new SysRegAddrRange(0x3F8, 0x3FF)));
        assertThrows(IllegalArgumentException.class, () -> devices.add(new PortProbe(new PortRange(0x3FF, 1), 0)));
        assertThrows(IllegalArgumentException.class,
                () -> devices.add(new RegProbe(new SysRegAddrRange(0x300, 0x3F8))));
        assertEquals(AccessStatus.COMPLETED, devices.portRead(0x3F9, AccessWidth.BYTE, outcome));
        assertEquals(0x55, outcome.value());
        assertEquals(AccessKind.PORT_READ, outcome.kind());
        assertEquals(AccessStatus.COMPLETED, devices.sysRegRead(0x3FA, AccessWidth.QWORD, outcome));
        assertEquals(0x3FA, outcome.value());
        assertEquals(AccessStatus.COMPLETED, devices.sysRegWrite(0x3FA, AccessWidth.QWORD, 1, outcome));
        assertEquals(AccessKind.SYSREG_WRITE, outcome.kind());
        assertInstanceOf(PortDevice.class, devices.findPort(0x3FF));
        assertInstanceOf(SysRegDevice.class, devices.findSysReg(0x3F8));
        assertInstanceOf(MmioDevice.class, devices.findMmio(0x3FC));
        assertEquals(1, devices.portDevices().size());
        assertEquals(1, devices.sysRegDevices().size());
    }

    @Test
    void unmappedAccessesAreReportedWithTheirDetails() {
        devices.add(new Probe("a", 0x1000, 0x100));
        assertEquals(AccessStatus.UNMAPPED, devices.mmioRead(0xFFF, AccessWidth.BYTE, outcome));
        assertNull(outcome.device());
        assertEquals(0, outcome.value());
        assertEquals(0xFFF, outcome.address());
        assertEquals(AccessWidth.BYTE, outcome.width());
        assertEquals(AccessStatus.UNMAPPED, devices.mmioWrite(0x1100, AccessWidth.QWORD, -1, outcome));
        assertEquals(-1, outcome.value(), "a write keeps its value for the log");
        assertTrue(outcome.describe().startsWith("UNMAPPED MMIO_WRITE at 0x1100 width 8"), outcome.describe());
        assertEquals(AccessStatus.UNMAPPED, devices.portWrite(0x80, AccessWidth.BYTE, 0, outcome));
        assertEquals(AccessStatus.UNMAPPED, devices.sysRegRead(0xC000_0080L, AccessWidth.QWORD, outcome));
    }

    @Test
    void portNumbersOutsideSixteenBitsAreUnmapped() {
        devices.add(new PortProbe(new PortRange(0, 0x10000), 1));
        assertEquals(AccessStatus.COMPLETED, devices.portRead(0xFFFF, AccessWidth.BYTE, outcome));
        assertEquals(AccessStatus.UNMAPPED, devices.portRead(0x10000, AccessWidth.BYTE, outcome));
        assertEquals(AccessStatus.UNMAPPED, devices.portRead(-1, AccessWidth.BYTE, outcome));
        assertEquals(AccessStatus.UNMAPPED, devices.portWrite(Integer.MIN_VALUE, AccessWidth.BYTE, 0, outcome));
    }

    @Test
    void aThrowingDeviceIsReportedAndTheNextAccessWorks() {
        Probe p = new Probe("flaky", 0x1000, 0x10);
        devices.add(p);
        IllegalStateException boom = new IllegalStateException("device bug");
        p.toThrow = boom;
        assertEquals(AccessStatus.FAILED, devices.mmioRead(0x1000, AccessWidth.WORD, outcome));
        assertSame(boom, outcome.failure());
        assertSame(p, outcome.device());
        assertEquals(0, outcome.value());
        assertEquals(AccessStatus.FAILED, devices.mmioWrite(0x1000, AccessWidth.WORD, 5, outcome));
        assertTrue(outcome.describe().contains("device bug"), outcome.describe());
        p.toThrow = null;
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(0x1002, AccessWidth.WORD, outcome));
        assertNull(outcome.failure());
        assertEquals(0x1003, outcome.value());
    }

    @Test
    void accessesRunningPastTheOwnersEndFailWithoutReachingIt() {
        Probe p = new Probe("p", 0x1000, 0x10);
        devices.add(p);
        devices.add(new Probe("next", 0x1010, 0x10));
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(0x1008, AccessWidth.QWORD, outcome));
        assertEquals(AccessStatus.FAILED, devices.mmioRead(0x1009, AccessWidth.QWORD, outcome));
        assertInstanceOf(DeviceAccessException.class, outcome.failure());
        assertTrue(outcome.failure().getMessage().contains("8-byte access at 0x1009"), outcome.failure().getMessage());
        assertEquals(AccessStatus.FAILED, devices.mmioWrite(0x100F, AccessWidth.WORD, 0, outcome));
        assertEquals(List.of("read 0x1008 QWORD"), p.log);
    }

    @Test
    void theTopOfTheAddressSpaceNeitherWrapsNorSortsAsNegative() {
        Probe top = new Probe("top", -16, 16);
        Probe low = new Probe("low", 0, 16);
        Probe high = new Probe("high", 0x8000_0000_0000_0000L, 16);
        devices.add(top);
        devices.add(high);
        devices.add(low);
        assertEquals(List.of(low, high, top), devices.mmioDevices());
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(-8, AccessWidth.QWORD, outcome));
        assertEquals(-7, outcome.value());
        assertEquals(AccessStatus.FAILED, devices.mmioRead(-4, AccessWidth.QWORD, outcome), "would wrap to 0");
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(-1, AccessWidth.BYTE, outcome));
        assertEquals(AccessStatus.UNMAPPED, devices.mmioRead(0x7FFF_FFFF_FFFF_FFFFL, AccessWidth.BYTE, outcome));
        assertSame(high, devices.findMmio(0x8000_0000_0000_000FL));
        assertNull(devices.findMmio(0x8000_0000_0000_0010L));
    }

    @Test
    void valuesAreTruncatedToTheWidthBothWays() {
        Probe p = new Probe("p", 0x10_0000, 0x100);
        devices.add(p);
        devices.mmioRead(0x10_00FF, AccessWidth.BYTE, outcome);
        assertEquals(0x00, outcome.value(), "0x1000ff + 1 = 0x100100, low byte 0");
        devices.mmioRead(0x10_0010, AccessWidth.WORD, outcome);
        assertEquals(0x0011, outcome.value());
        devices.mmioWrite(0x10_0000, AccessWidth.WORD, 0x1234_5678, outcome);
        assertEquals(0x5678, outcome.value());
        assertEquals("write 0x100000 WORD 0x5678", p.log.getLast());
    }

    @Test
    void aMissingWidthIsAReportedFailure() {
        devices.add(new Probe("p", 0x1000, 0x10));
        assertEquals(AccessStatus.FAILED, devices.mmioRead(0x1000, null, outcome));
        assertEquals(AccessStatus.FAILED, devices.mmioWrite(0x1000, null, 1, outcome));
        assertTrue(outcome.failure().getMessage().contains("no width"));
    }

    @Test
    void emptyRegistryReportsEverythingUnmapped() {
        assertEquals(0, devices.size());
        assertEquals(AccessStatus.UNMAPPED, devices.mmioRead(0, AccessWidth.BYTE, outcome));
        assertNull(devices.findMmio(0));
        assertNull(devices.findPort(0));
        assertNull(devices.findSysReg(0));
    }
}
