package dev.axvm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.platform.DebugExitDevice;
import dev.axvm.device.platform.DummyDevice;
import dev.axvm.device.platform.PowerOffDevice;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.device.uart.Pl011;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.device.uart.SerialSource;
import dev.axvm.device.uart.Uart16550;
import dev.axvm.device.uart.Uart16550MmioDevice;
import dev.axvm.device.uart.Uart16550PortDevice;
import dev.axvm.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A hostile guest: every width (and none) at every offset of every shipped device, plus a few
 * bytes either side, with random values, reads and writes mixed. Nothing may escape the dispatch;
 * each access has a defined status; and afterwards a well-formed transaction on each device still
 * works. Seeded; {@code -Daxvm.seed=N} replays one case.
 */
class HostileAccessTest {
    private static final int CASES = 12;
    private static final AccessWidth[] WIDTHS_AND_NULL = Arrays.copyOf(AccessWidth.values(), 5);

    /** A shipped device plus the well-formed transaction that must still work after the storm. */
    private record Subject(String name, BaseDeviceOps<?> device, Consumer<Bench> wellFormed) {}

    /** What a well-formed transaction needs. */
    private record Bench(AxVmDevices devices, AccessOutcome outcome, CapturingSerialSink out, SerialInputQueue in,
            RecordingVmControl control) {
        long mmioRead(long addr, AccessWidth w) {
            assertEquals(AccessStatus.COMPLETED, devices.mmioRead(addr, w, outcome), outcome::describe);
            return outcome.value();
        }

        void mmioWrite(long addr, AccessWidth w, long v) {
            assertEquals(AccessStatus.COMPLETED, devices.mmioWrite(addr, w, v, outcome), outcome::describe);
        }

        long portRead(int port) {
            assertEquals(AccessStatus.COMPLETED, devices.portRead(port, AccessWidth.BYTE, outcome), outcome::describe);
            return outcome.value();
        }

        void portWrite(int port, AccessWidth w, long v) {
            assertEquals(AccessStatus.COMPLETED, devices.portWrite(port, w, v, outcome), outcome::describe);
        }
    }

    /** A device that only takes 32-bit accesses at 4-byte-aligned offsets, as strict hardware does. */
    private static final class StrictRegisters implements MmioDevice {
        private final GuestPhysAddrRange range;
        private final long[] regs;

        StrictRegisters(long base, int count) {
            range = new GuestPhysAddrRange(base, count * 4L);
            regs = new long[count];
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
            return "strict";
        }

        private int index(long addr, AccessWidth w) {
            long off = addr - range.start();
            if (w != AccessWidth.DWORD || (off & 3) != 0) {
                throw new DeviceAccessException("strict: " + w + " access at offset 0x" + Long.toHexString(off)
                        + " (32-bit aligned only)");
            }
            return (int) (off >> 2);
        }

        @Override
        public long handleRead(long addr, AccessWidth w, DeviceContext c) {
            return regs[index(addr, w)];
        }

        @Override
        public void handleWrite(long addr, AccessWidth w, long v, DeviceContext c) {
            regs[index(addr, w)] = v;
        }
    }

    private static List<Subject> subjects(CapturingSerialSink out, SerialInputQueue in, RecordingVmControl control,
            InterruptSink irqs) {
        List<Subject> s = new ArrayList<>();
        s.add(new Subject("com1", new Uart16550PortDevice("com1", 0x3f8,
                new Uart16550(out, in, new InterruptLine(irqs, 4, TriggerMode.LEVEL))), b -> {
                    b.portWrite(0x3fc, AccessWidth.BYTE, 0); // MCR: out of loopback
                    b.portWrite(0x3fb, AccessWidth.BYTE, 0x03); // LCR: 8N1, DLAB clear
                    b.portWrite(0x3f8, AccessWidth.BYTE, 'C');
                    assertTrue(b.out().text().endsWith("C"), "COM1 transmits");
                    b.portWrite(0x3ff, AccessWidth.BYTE, 0x5A);
                    assertEquals(0x5A, b.portRead(0x3ff));
                    assertEquals(0x60, b.portRead(0x3fd) & 0x60);
                }));
        for (int shift = 0; shift <= 2; shift++) {
            long base = 0x1000_0000L + shift * 0x1000L;
            int sh = shift;
            s.add(new Subject("16550 shift " + shift, new Uart16550MmioDevice("uart" + shift, base, 0x100, shift,
                    new Uart16550(out, SerialSource.none(), InterruptLine.disconnected())), b -> {
                        b.mmioWrite(base + (4L << sh), AccessWidth.BYTE, 0);
                        b.mmioWrite(base + (3L << sh), AccessWidth.BYTE, 0x03);
                        b.mmioWrite(base, AccessWidth.BYTE, 'M');
                        assertTrue(b.out().text().endsWith("M"), "MMIO 16550 transmits");
                        b.mmioWrite(base + (7L << sh), AccessWidth.BYTE, 0xA5);
                        assertEquals(0xA5, b.mmioRead(base + (7L << sh), AccessWidth.BYTE));
                    }));
        }
        s.add(new Subject("pl011", new Pl011("pl011", Pl011.DEFAULT_BASE, Pl011.WINDOW, out,
                SerialSource.none(), new InterruptLine(irqs, 33, TriggerMode.LEVEL)), b -> {
                    b.mmioWrite(Pl011.DEFAULT_BASE + Pl011.CR, AccessWidth.WORD, 0x301);
                    b.mmioWrite(Pl011.DEFAULT_BASE + Pl011.LCR_H, AccessWidth.WORD, 0x70);
                    b.mmioWrite(Pl011.DEFAULT_BASE + Pl011.DR, AccessWidth.BYTE, 'P');
                    assertTrue(b.out().text().endsWith("P"), "PL011 transmits");
                    assertEquals(0x11, b.mmioRead(Pl011.DEFAULT_BASE + 0xFE0, AccessWidth.DWORD));
                    assertEquals(0xB1, b.mmioRead(Pl011.DEFAULT_BASE + 0xFFC, AccessWidth.DWORD));
                }));
        s.add(new Subject("dummy", new DummyDevice("dummy", new GuestPhysAddrRange(0x2000_0000L, 0x40)),
                b -> assertEquals(0, b.mmioRead(0x2000_0000L, AccessWidth.QWORD))));
        s.add(new Subject("power-off", new PowerOffDevice(control), b -> {
            b.control().clear();
            b.portWrite(0x604, AccessWidth.WORD, 0x2000);
            assertEquals(List.of("powerOff"), b.control().requests());
        }));
        s.add(new Subject("debug-exit", new DebugExitDevice(control), b -> {
            b.control().clear();
            b.portWrite(0x501, AccessWidth.BYTE, 3);
            assertEquals(List.of("exit 3"), b.control().requests());
        }));
        s.add(new Subject("strict", new StrictRegisters(0x3000_0000L, 8), b -> {
            b.mmioWrite(0x3000_0004L, AccessWidth.DWORD, 0x1234_5678);
            assertEquals(0x1234_5678, b.mmioRead(0x3000_0004L, AccessWidth.DWORD));
        }));
        return s;
    }

    @Test
    void everyWidthAtEveryOffsetOfEveryDeviceHasADefinedOutcome() {
        for (long seed : Seeds.forCases("HostileAccessTest", CASES)) {
            runCase(seed);
        }
    }

    private static void runCase(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        CapturingSerialSink out = new CapturingSerialSink();
        SerialInputQueue in = new SerialInputQueue(64);
        RecordingVmControl control = new RecordingVmControl();
        RecordingInterruptSink irqs = new RecordingInterruptSink();
        AxVmDevices devices = new AxVmDevices();
        List<Subject> subjects = subjects(out, in, control, irqs);
        subjects.forEach(sub -> devices.add(sub.device()));
        AccessOutcome outcome = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 64)));
        Bench bench = new Bench(devices, outcome, out, in, control);

        for (Subject sub : subjects) {
            DeviceAddrRange r = sub.device().addressRange();
            boolean port = r instanceof PortRange;
            for (long addr = r.start() - 8; addr <= r.last() + 8; addr++) {
                for (AccessWidth w : WIDTHS_AND_NULL) {
                    // Keep the host input flowing so the receive paths are exercised too.
                    if (rnd.nextInt(16) == 0) {
                        in.offer(new byte[] {(byte) rnd.nextInt(256)}, 0, 1);
                    }
                    boolean write = rnd.nextBoolean();
                    long value = rnd.nextLong();
                    String where = "seed " + seed + " " + sub.name() + " " + (write ? "write" : "read") + " 0x"
                            + Long.toHexString(addr) + " width " + (w == null ? "null" : w.size());
                    AccessStatus status = hostile(devices, port, addr, w, write, value, outcome, where);
                    boolean inside = r.contains(addr);
                    boolean fits = w != null && inside && Long.compareUnsigned(addr + w.size() - 1, r.last()) <= 0;
                    if (!inside) {
                        assertEquals(AccessStatus.UNMAPPED, status, where);
                    } else if (!fits) {
                        assertEquals(AccessStatus.FAILED, status, where);
                        assertInstanceOf(DeviceAccessException.class, outcome.failure(), where);
                    } else if (sub.device() instanceof StrictRegisters) {
                        boolean ok = w == AccessWidth.DWORD && ((addr - r.start()) & 3) == 0;
                        assertEquals(ok ? AccessStatus.COMPLETED : AccessStatus.FAILED, status, where);
                    } else {
                        assertEquals(AccessStatus.COMPLETED, status, where + ": " + outcome.describe());
                        assertTrue(write || outcome.value() == (outcome.value() & w.mask()), where);
                    }
                }
            }
        }
        for (Subject sub : subjects) {
            sub.wellFormed().accept(bench);
        }
        assertNotNull(irqs.changes());
    }

    /** One access; anything thrown out of the registry fails the test with the access named. */
    private static AccessStatus hostile(AxVmDevices d, boolean port, long addr, AccessWidth w, boolean write, long v,
            AccessOutcome out, String where) {
        try {
            if (port) {
                return write ? d.portWrite((int) addr, w, v, out) : d.portRead((int) addr, w, out);
            }
            return write ? d.mmioWrite(addr, w, v, out) : d.mmioRead(addr, w, out);
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": escaped the dispatch", e);
        }
    }
}
