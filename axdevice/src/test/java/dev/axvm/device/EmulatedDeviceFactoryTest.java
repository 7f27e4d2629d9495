package dev.axvm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.platform.DummyDevice;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.device.uart.Pl011;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.device.uart.SerialSource;
import dev.axvm.device.uart.Uart16550;
import dev.axvm.device.uart.Uart16550MmioDevice;
import dev.axvm.device.uart.Uart16550PortDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From a config's emu_devices entry to a device, per architecture, and the refusals. */
class EmulatedDeviceFactoryTest {
    private final RecordingInterruptSink irqs = new RecordingInterruptSink();
    private final CapturingSerialSink out = new CapturingSerialSink();
    private final DeviceHookups hookups = new DeviceHookups(irqs, new RecordingVmControl(), out, SerialSource.none());
    private final AccessOutcome outcome = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 8)));

    private static EmulatedDeviceSpec spec(String name, long base, long length, long irq, EmulatedDeviceType type,
            Long... cfg) {
        return new EmulatedDeviceSpec(name, base, length, irq, type, List.of(cfg));
    }

    private String refusal(EmulatedDeviceSpec spec, String arch) {
        return assertThrows(IllegalArgumentException.class, () -> EmulatedDeviceFactory.create(spec, arch, hookups))
                .getMessage();
    }

    @Test
    void consoleOnRiscvIsA16550AtByteSpacingWithItsPlicLine() {
        BaseDeviceOps<?> d = EmulatedDeviceFactory.create(
                spec("uart0", 0x1000_0000L, 0x100, 10, EmulatedDeviceType.CONSOLE), "riscv64", hookups);
        Uart16550MmioDevice uart = assertInstanceOf(Uart16550MmioDevice.class, d);
        assertEquals(0, uart.regShift());
        assertEquals(new GuestPhysAddrRange(0x1000_0000L, 0x100), uart.addressRange());
        assertEquals("uart0", uart.name());
        assertEquals(10, uart.uart().interruptLine().number());

        AxVmDevices devices = new AxVmDevices();
        devices.add(d);
        devices.mmioWrite(0x1000_0001L, AccessWidth.BYTE, Uart16550.IER_THRI, outcome);
        assertEquals(List.of(new LineChange(10, true)), irqs.changes());
        devices.mmioWrite(0x1000_0000L, AccessWidth.BYTE, 'v', outcome);
        assertEquals("v", out.text());
    }

    @Test
    void consoleRegShiftComesFromCfgList() {
        Uart16550MmioDevice uart = assertInstanceOf(Uart16550MmioDevice.class, EmulatedDeviceFactory.create(
                spec("uart0", 0x1000_0000L, 0x20, 10, EmulatedDeviceType.CONSOLE, 2L), "riscv64", hookups));
        assertEquals(2, uart.regShift());
    }

    @Test
    void consoleOnX86IsA16550OverMmioUnlessCfgListAsksForPorts() {
        assertInstanceOf(Uart16550MmioDevice.class, EmulatedDeviceFactory.create(
                spec("uart", 0xFEB0_0000L, 0x1000, 4, EmulatedDeviceType.CONSOLE), "x86_64", hookups));
        Uart16550PortDevice com1 = assertInstanceOf(Uart16550PortDevice.class, EmulatedDeviceFactory.create(
                spec("com1", 0x3f8, 8, 4, EmulatedDeviceType.CONSOLE, 0L, 1L), "x86_64", hookups));
        assertEquals(new PortRange(0x3f8, 8), com1.addressRange());
        assertEquals(4, com1.uart().interruptLine().number());
    }

    @Test
    void consoleOnAarch64IsAPl011() {
        Pl011 pl011 = assertInstanceOf(Pl011.class, EmulatedDeviceFactory.create(
                spec("pl011", Pl011.DEFAULT_BASE, 0x1000, 33, EmulatedDeviceType.CONSOLE), "aarch64", hookups));
        assertEquals(33, pl011.interruptLine().number());
        assertEquals(EmulatedDeviceType.CONSOLE, pl011.emulatedType());
    }

    @Test
    void irqZeroMeansAPolledConsole() {
        Uart16550MmioDevice uart = assertInstanceOf(Uart16550MmioDevice.class, EmulatedDeviceFactory.create(
                spec("uart0", 0x1000_0000L, 0x100, 0, EmulatedDeviceType.CONSOLE), "riscv64", hookups));
        assertTrue(uart.uart().interruptLine().isDisconnected());
    }

    @Test
    void dummyReadsZeroOverItsWholeRange() {
        BaseDeviceOps<?> d = EmulatedDeviceFactory.create(
                spec("hole", 0x0800_0000L, 0x1_0000, 0, EmulatedDeviceType.DUMMY), "aarch64", hookups);
        assertInstanceOf(DummyDevice.class, d);
        assertEquals(new GuestPhysAddrRange(0x0800_0000L, 0x1_0000), d.addressRange());
        assertEquals(EmulatedDeviceType.DUMMY, d.emulatedType());
    }

    @Test
    void typesWithoutAnImplementationAreNamedWithTheEntry() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> EmulatedDeviceFactory.create(spec("gppt-gicd", 0x0800_0000L, 0x1_0000, 0,
                        EmulatedDeviceType.GPPT_DISTRIBUTOR), "aarch64", hookups));
        assertEquals("emu_devices 'gppt-gicd': GPPTDistributor (0x21) is not implemented", e.getMessage());
        for (EmulatedDeviceType t : EmulatedDeviceType.values()) {
            if (t == EmulatedDeviceType.DUMMY || t == EmulatedDeviceType.CONSOLE || t == EmulatedDeviceType.VIRTIO_BLK
                    || t == EmulatedDeviceType.VIRTIO_CONSOLE || t == EmulatedDeviceType.VIRTIO_RNG) {
                continue;
            }
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                    () -> EmulatedDeviceFactory.create(spec("dev", 0x1000, 0x1000, 0, t), "x86_64", hookups));
            assertTrue(u.getMessage().startsWith("emu_devices 'dev': ")
                    && u.getMessage().contains("(0x" + Integer.toHexString(t.code()) + ")"), u.getMessage());
        }
        assertEquals("VirtioBlk (0xe1)", EmulatedDeviceFactory.describe(EmulatedDeviceType.VIRTIO_BLK));
    }

    @Test
    void virtioEntriesBecomeTransportsAndTheirMistakesAreNamed() {
        BaseDeviceOps<?> rng = EmulatedDeviceFactory.create(spec("rng", 0x0a00_0000L, 0x200, 40, EmulatedDeviceType.VIRTIO_RNG),
                "aarch64", hookups);
        assertTrue(rng instanceof dev.axvm.device.virtio.VirtioMmioDevice v && v.device().deviceId() == 4, rng.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmulatedDeviceFactory.create(
                spec("rng", 0x0a00_0000L, 0x200, 0, EmulatedDeviceType.VIRTIO_RNG), "aarch64", hookups));
        assertEquals("emu_devices 'rng': irq_id 0: a virtio device needs an interrupt", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EmulatedDeviceFactory.create(
                spec("con", 0x0a00_0000L, 0x100, 40, EmulatedDeviceType.VIRTIO_CONSOLE), "aarch64", hookups));
        assertTrue(e.getMessage().contains("smaller than the virtio-mmio register window"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EmulatedDeviceFactory.create(
                spec("vda", 0x0a00_0000L, 0x200, 40, EmulatedDeviceType.VIRTIO_BLK), "aarch64", hookups));
        assertEquals("emu_devices 'vda': a virtio block device needs its image in devices.disk_images", e.getMessage());
    }

    @Test
    void hostileEntryValuesAreRefusedWithTheEntryNamed() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> spec("u", 0x1000, 0, 0, EmulatedDeviceType.CONSOLE));
        assertEquals("emu_devices 'u': length is 0", zero.getMessage());
        IllegalArgumentException wrap = assertThrows(IllegalArgumentException.class,
                () -> spec("u", -0x100, 0x200, 0, EmulatedDeviceType.DUMMY));
        assertTrue(wrap.getMessage().contains("wraps past 2^64"), wrap.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new EmulatedDeviceSpec("u", 0, 8, 0, EmulatedDeviceType.DUMMY, java.util.Arrays.asList(1L, null)));
        spec("top", -0x100, 0x100, 0, EmulatedDeviceType.DUMMY); // ends exactly at 2^64 - 1: fine
    }

    @Test
    void hostileConsoleValuesAreRefusedWithFieldAndValue() {
        assertTrue(refusal(spec("com9", 0xfffc, 8, 4, EmulatedDeviceType.CONSOLE, 0L, 1L), "x86_64")
                .contains("run past 0xffff"));
        assertTrue(refusal(spec("com1", 0x3f8, 4, 4, EmulatedDeviceType.CONSOLE, 0L, 1L), "x86_64")
                .contains("fewer than the 16550's 8 ports"));
        assertTrue(refusal(spec("com1", 0x3f8, 8, 4, EmulatedDeviceType.CONSOLE, 2L, 1L), "x86_64")
                .contains("reg_shift 2 needs MMIO"));
        assertTrue(refusal(spec("u", 0x1000_0000L, 0x100, 10, EmulatedDeviceType.CONSOLE, 3L), "riscv64")
                .contains("cfg_list[0] (reg_shift) 3"));
        assertTrue(refusal(spec("u", 0x1000_0000L, 0x100, 10, EmulatedDeviceType.CONSOLE, -1L), "riscv64")
                .contains("cfg_list[0] (reg_shift) -1"));
        assertTrue(refusal(spec("u", 0x1000_0000L, 0x100, 10, EmulatedDeviceType.CONSOLE, 0L, 2L), "x86_64")
                .contains("cfg_list[1] (io) 2"));
        assertTrue(refusal(spec("u", 0x1000_0000L, 0x100, 10, EmulatedDeviceType.CONSOLE, 0L, 1L), "riscv64")
                .contains("port I/O, which riscv64 does not have"));
        assertTrue(refusal(spec("u", 0x1000_0000L, 0x10, 10, EmulatedDeviceType.CONSOLE, 2L), "riscv64")
                .contains("length 0x10 is smaller"));
        assertTrue(refusal(spec("pl", Pl011.DEFAULT_BASE, 0x800, 33, EmulatedDeviceType.CONSOLE), "aarch64")
                .contains("0x800"));
        assertTrue(refusal(spec("u", 0x1000_0000L, 0x100, 10, EmulatedDeviceType.CONSOLE), "mips")
                .contains("architecture 'mips'"));
    }

    @Test
    void interruptNumbersMustExistOnTheArchitecture() {
        assertTrue(refusal(spec("u", 0x1000, 0x100, 24, EmulatedDeviceType.CONSOLE), "x86_64")
                .contains("irq_id 24 is not an IOAPIC input (1..23) on x86_64"));
        assertTrue(refusal(spec("pl", Pl011.DEFAULT_BASE, 0x1000, 1, EmulatedDeviceType.CONSOLE), "aarch64")
                .contains("irq_id 1 is not a GIC SPI (32..1019)"));
        assertTrue(refusal(spec("pl", Pl011.DEFAULT_BASE, 0x1000, 1020, EmulatedDeviceType.CONSOLE), "aarch64")
                .contains("1020"));
        assertTrue(refusal(spec("u", 0x1000, 0x100, 1024, EmulatedDeviceType.CONSOLE), "riscv64")
                .contains("not a PLIC source"));
        assertTrue(refusal(spec("u", 0x1000, 0x100, -1, EmulatedDeviceType.CONSOLE), "riscv64")
                .contains("irq_id 18446744073709551615"));
    }

    @Test
    void twoConsolesCannotShareOneInputQueue() {
        SerialInputQueue shared = new SerialInputQueue();
        DeviceHookups h = new DeviceHookups(irqs, new RecordingVmControl(), out, shared);
        EmulatedDeviceFactory.create(spec("a", 0x1000_0000L, 8, 0, EmulatedDeviceType.CONSOLE), "riscv64", h);
        assertThrows(IllegalStateException.class, () -> EmulatedDeviceFactory.create(
                spec("b", 0x1000_1000L, 8, 0, EmulatedDeviceType.CONSOLE), "riscv64", h));
    }
}
