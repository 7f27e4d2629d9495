package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.LineChange;
import dev.axvm.device.RecordingInterruptSink;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scenario test device: registers, its interrupt line, its log, and hostile accesses. */
class ScenarioDeviceTest {
    private static final long BASE = 0xd000_0000L;
    private static final int LINE = 20;
    private final RecordingInterruptSink sink = new RecordingInterruptSink();
    private final ScenarioDevice device = new ScenarioDevice("test", BASE, LINE, sink);
    private final DeviceContext vcpu0 = new DeviceContext(1, 0, new NoGuestMemory());
    private final DeviceContext vcpu1 = new DeviceContext(1, 1, new NoGuestMemory());

    @Test
    void loadsOfEveryWidthReadThePresetBytesLittleEndian() {
        device.preset(0x18, AccessWidth.QWORD, 0x0123_4567_89ab_cdefL);
        assertEquals(0x0123_4567_89ab_cdefL, device.handleRead(BASE + 0x18, AccessWidth.QWORD, vcpu0));
        assertEquals(0x89ab_cdefL, device.handleRead(BASE + 0x18, AccessWidth.DWORD, vcpu0));
        assertEquals(0x0123L, device.handleRead(BASE + 0x1e, AccessWidth.WORD, vcpu0));
        assertEquals(0xcdL, device.handleRead(BASE + 0x19, AccessWidth.BYTE, vcpu0));
        assertEquals(List.of(new DeviceEvent(DeviceEvent.Kind.DATA_READ, 0, 0x18, AccessWidth.QWORD, 0x0123_4567_89ab_cdefL),
                new DeviceEvent(DeviceEvent.Kind.DATA_READ, 0, 0x18, AccessWidth.DWORD, 0x89ab_cdefL),
                new DeviceEvent(DeviceEvent.Kind.DATA_READ, 0, 0x1e, AccessWidth.WORD, 0x0123L),
                new DeviceEvent(DeviceEvent.Kind.DATA_READ, 0, 0x19, AccessWidth.BYTE, 0xcdL)), device.events());
    }

    @Test
    void storesLandInTheScratchRegistersAndAreLogged() {
        device.handleWrite(BASE + 0x3e, AccessWidth.WORD, 0xbeef, vcpu1);
        assertEquals(0xbeefL, device.handleRead(BASE + 0x3e, AccessWidth.WORD, vcpu0));
        byte[] scratch = new byte[ScenarioDevice.DATA_SIZE];
        scratch[0x3e] = (byte) 0xef;
        scratch[0x3f] = (byte) 0xbe;
        assertArrayEquals(scratch, device.scratch());
        assertEquals(new DeviceEvent(DeviceEvent.Kind.DATA_WRITE, 1, 0x3e, AccessWidth.WORD, 0xbeef), device.events().getFirst());
    }

    @Test
    void raiseAndAcknowledgeDriveTheLevelLine() {
        device.handleWrite(BASE + ScenarioDevice.RAISE, AccessWidth.QWORD, 1, vcpu0);
        assertTrue(sink.level(LINE));
        assertTrue(device.line().isAsserted());
        device.handleWrite(BASE + ScenarioDevice.RAISE, AccessWidth.DWORD, 7, vcpu0);
        device.handleWrite(BASE + ScenarioDevice.ACK, AccessWidth.BYTE, 0, vcpu0);
        assertFalse(sink.level(LINE));
        assertEquals(List.of(new LineChange(LINE, true), new LineChange(LINE, false)), sink.changes(),
                "a second raise of a raised level line changes nothing");
        assertEquals(List.of(DeviceEvent.Kind.RAISE, DeviceEvent.Kind.RAISE, DeviceEvent.Kind.ACK),
                device.events().stream().map(DeviceEvent::kind).toList());
    }

    @Test
    void reportsAndFailuresAreKeptPerVcpuInOrder() {
        device.handleWrite(BASE + ScenarioDevice.REPORT, AccessWidth.QWORD, -1, vcpu0);
        device.handleWrite(BASE + ScenarioDevice.REPORT, AccessWidth.QWORD, 2, vcpu1);
        device.handleWrite(BASE + ScenarioDevice.REPORT, AccessWidth.DWORD, 3, vcpu0);
        device.handleWrite(BASE + ScenarioDevice.FAIL, AccessWidth.QWORD, GuestFailure.NO_INTERRUPT.code(), vcpu1);
        assertEquals(List.of(-1L, 3L), device.reports(0));
        assertEquals(List.of(2L), device.reports(1));
        assertEquals(List.of(new DeviceEvent(DeviceEvent.Kind.FAIL, 1, ScenarioDevice.FAIL, AccessWidth.QWORD, 3)),
                device.events(DeviceEvent.Kind.FAIL));
    }

    @Test
    void accessesOutsideTheRegistersReadZeroChangeNothingAndAreStray() {
        device.preset(0x38, AccessWidth.QWORD, 0x1122_3344_5566_7788L);
        byte[] before = device.scratch();
        assertEquals(0, device.handleRead(BASE + ScenarioDevice.REPORT, AccessWidth.QWORD, vcpu0), "registers are write-only");
        device.handleWrite(BASE + 0x3c, AccessWidth.QWORD, -1, vcpu0); // runs past the scratch block
        assertEquals(0, device.handleRead(BASE + 0x3c, AccessWidth.QWORD, vcpu0));
        device.handleWrite(BASE + ScenarioDevice.RAISE + 1, AccessWidth.BYTE, 1, vcpu0); // inside a register
        device.handleWrite(BASE + ScenarioDevice.SIZE - 1, AccessWidth.BYTE, 1, vcpu0);
        assertArrayEquals(before, device.scratch());
        assertTrue(sink.changes().isEmpty());
        assertEquals(5, device.events(DeviceEvent.Kind.STRAY).size());
        assertEquals(device.events().size(), device.events(DeviceEvent.Kind.STRAY).size());
    }

    @Test
    void theLogKeepsItsCapacityAndCountsWhatItDrops() {
        for (int i = 0; i < ScenarioDevice.CAPACITY + 44; i++) {
            device.handleWrite(BASE + ScenarioDevice.REPORT, AccessWidth.QWORD, i, vcpu0);
        }
        assertEquals(ScenarioDevice.CAPACITY, device.events().size());
        assertEquals(44, device.dropped());
        assertEquals(ScenarioDevice.CAPACITY - 1, device.reports(0).getLast());
    }

    @Test
    void presetsOutsideTheScratchRegistersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> device.preset(0x3c, AccessWidth.QWORD, 0));
        assertThrows(IllegalArgumentException.class, () -> device.preset(-1, AccessWidth.BYTE, 0));
    }

    /** Random accesses anywhere in the page at every width, against a plain model; -Daxvm.seed=N replays one seed. */
    @Test
    void randomAccessesBehaveAsTheModelSays() {
        long seed = Long.getLong("axvm.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            RecordingInterruptSink lines = new RecordingInterruptSink();
            ScenarioDevice d = new ScenarioDevice("random", BASE, LINE, lines);
            byte[] model = new byte[ScenarioDevice.DATA_SIZE];
            List<DeviceEvent> expected = new ArrayList<>();
            boolean level = false;
            for (int step = 0; step < 100; step++) {
                AccessWidth w = AccessWidth.values()[random.nextInt(4)];
                long offset = random.nextBoolean() ? random.nextLong(0x140) : random.nextLong(ScenarioDevice.SIZE - w.size() + 1);
                DeviceContext ctx = random.nextBoolean() ? vcpu0 : vcpu1;
                boolean scratch = offset + w.size() <= ScenarioDevice.DATA_SIZE;
                String where = "seed " + seed + " (-Daxvm.seed=" + seed + "), round " + round + ", step " + step;
                if (random.nextBoolean()) {
                    long value = w.truncate(random.nextLong());
                    d.handleWrite(BASE + offset, w, value, ctx);
                    DeviceEvent.Kind kind = scratch ? DeviceEvent.Kind.DATA_WRITE
                            : offset == ScenarioDevice.REPORT ? DeviceEvent.Kind.REPORT
                            : offset == ScenarioDevice.RAISE ? DeviceEvent.Kind.RAISE
                            : offset == ScenarioDevice.ACK ? DeviceEvent.Kind.ACK
                            : offset == ScenarioDevice.FAIL ? DeviceEvent.Kind.FAIL : DeviceEvent.Kind.STRAY;
                    if (scratch) {
                        for (int i = 0; i < w.size(); i++) {
                            model[(int) offset + i] = (byte) (value >>> (8 * i));
                        }
                    }
                    level = kind == DeviceEvent.Kind.RAISE || (level && kind != DeviceEvent.Kind.ACK);
                    expected.add(new DeviceEvent(kind, ctx.vcpuId(), offset, w, value));
                } else {
                    long want = 0;
                    if (scratch) {
                        for (int i = w.size() - 1; i >= 0; i--) {
                            want = want << 8 | (model[(int) offset + i] & 0xff);
                        }
                    }
                    assertEquals(want, d.handleRead(BASE + offset, w, ctx), where);
                    expected.add(new DeviceEvent(scratch ? DeviceEvent.Kind.DATA_READ : DeviceEvent.Kind.STRAY, ctx.vcpuId(),
                            offset, w, want));
                }
                assertEquals(level, lines.level(LINE), where);
            }
            assertEquals(expected, d.events(), "seed " + seed + " (-Daxvm.seed=" + seed + "), round " + round);
            assertArrayEquals(model, d.scratch(), "seed " + seed + ", round " + round);
        }
    }
}
