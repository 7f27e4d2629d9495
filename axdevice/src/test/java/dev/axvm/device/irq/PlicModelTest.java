package dev.axvm.device.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceAccessException;
import dev.axvm.device.DeviceContext;
import dev.axvm.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The PLIC against {@link PlicModel} over random sequences of line changes, priority, enable and
 * threshold writes, claims, completions (right, wrong and absent ids), register reads, resets and
 * refused widths, on PLICs of random sizes. After every step the read values, every context's
 * output and the target's levels must match the model, and the target must have heard exactly the
 * outputs that changed. Seeded; {@code -Daxvm.seed=N} replays one case.
 */
class PlicModelTest {
    private static final int CASES = 300;
    private static final int STEPS = 400;
    private static final long BASE = 0x0c00_0000L;

    @Test
    void plicMatchesTheModelOverRandomOperationSequences() {
        for (long seed : Seeds.forCases("PlicModelTest", CASES)) {
            runCase(seed);
        }
    }

    private static void runCase(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int sources = switch (rnd.nextInt(4)) {
            case 0 -> 2 + rnd.nextInt(40);
            case 1 -> Plic.VIRT_SOURCES;
            case 2 -> Plic.MAX_SOURCES;
            default -> 2 + rnd.nextInt(Plic.MAX_SOURCES - 1);
        };
        int harts = 1 + rnd.nextInt(4);
        RecordingExternalInterruptTarget target = new RecordingExternalInterruptTarget();
        Plic plic = new Plic("plic", BASE, Plic.VIRT_SIZE, sources, harts, target);
        PlicModel model = new PlicModel(sources, harts);
        AxVmDevices devices = new AxVmDevices();
        devices.add(plic);
        AccessOutcome out = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 16)));
        // Lines the workload drives: a few, so that claims and completions meet the same sources.
        int[] hot = new int[Math.min(8, sources - 1)];
        for (int i = 0; i < hot.length; i++) {
            hot[i] = 1 + rnd.nextInt(sources - 1);
        }
        List<String> history = new ArrayList<>();
        boolean[] before = new boolean[model.contexts];
        for (int step = 0; step < STEPS; step++) {
            int heardBefore = target.changes().size();
            String at = "seed " + seed + " (" + (sources - 1) + " sources, " + harts + " harts) step " + step;
            String op = step(rnd, plic, model, devices, out, hot, sources, harts, at);
            history.add(op);
            String where = at + " " + op + "; last steps " + history.subList(Math.max(0, history.size() - 6),
                    history.size());
            int changed = 0;
            for (int c = 0; c < model.contexts; c++) {
                boolean expected = model.output(c);
                changed += expected != before[c] ? 1 : 0;
                before[c] = expected;
                int hart = c / 2;
                PrivilegeMode mode = PrivilegeMode.ofContext(c);
                assertEquals(expected, plic.outputLevel(hart, mode), where + ": output of context " + c);
                assertEquals(expected, target.level(hart, mode), where + ": target's level of context " + c);
            }
            assertEquals(changed, target.changes().size() - heardBefore, where + ": reported changes");
            int probe = 1 + rnd.nextInt(sources - 1);
            assertEquals(model.pending(probe), plic.isPending(probe), where + ": pending " + probe);
            assertEquals(model.claimed[probe], plic.isClaimed(probe), where + ": claimed " + probe);
        }
    }

    /** One random operation on both; returns its description. */
    private static String step(SplittableRandom rnd, Plic plic, PlicModel model, AxVmDevices devices, AccessOutcome out,
            int[] hot, int sources, int harts, String at) {
        int contexts = 2 * harts;
        int kind = rnd.nextInt(100);
        if (kind < 30) {
            int source = rnd.nextInt(20) == 0 ? rnd.nextInt(-2, sources + 3) : hot[rnd.nextInt(hot.length)];
            boolean level = rnd.nextBoolean();
            plic.setLine(source, level);
            model.setLine(source, level);
            return "line " + source + (level ? " high" : " low");
        }
        long offset;
        boolean write;
        long value;
        if (kind < 42) {
            int source = rnd.nextInt(10) == 0 ? rnd.nextInt(sources + 4) : hot[rnd.nextInt(hot.length)];
            offset = 4L * source;
            write = rnd.nextInt(4) != 0;
            value = rnd.nextInt(4) == 0 ? rnd.nextLong() & 0xFFFF_FFFFL : rnd.nextInt(9);
        } else if (kind < 54) {
            int c = rnd.nextInt(contexts + 1);
            int word = rnd.nextInt(10) == 0 ? rnd.nextInt(32) : hot[rnd.nextInt(hot.length)] / 32;
            offset = 0x2000 + 0x80L * c + 4L * word;
            write = rnd.nextInt(4) != 0;
            value = rnd.nextInt(3) == 0 ? 0xFFFF_FFFFL : rnd.nextLong() & 0xFFFF_FFFFL;
        } else if (kind < 62) {
            int c = rnd.nextInt(contexts + 1);
            offset = 0x20_0000 + 0x1000L * c;
            write = rnd.nextInt(4) != 0;
            value = rnd.nextInt(4) == 0 ? rnd.nextLong() & 0xFFFF_FFFFL : rnd.nextInt(9);
        } else if (kind < 78) {
            int c = rnd.nextInt(contexts + 1);
            offset = 0x20_0000 + 0x1000L * c + 4;
            write = false;
            value = 0;
        } else if (kind < 92) {
            int c = rnd.nextInt(contexts + 1);
            offset = 0x20_0000 + 0x1000L * c + 4;
            write = true;
            value = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextLong() & 0xFFFF_FFFFL;
                case 1 -> rnd.nextInt(sources + 2);
                default -> hot[rnd.nextInt(hot.length)];
            };
        } else if (kind < 97) {
            offset = 0x1000 + 4L * rnd.nextInt(32);
            write = rnd.nextInt(4) == 0;
            value = rnd.nextLong() & 0xFFFF_FFFFL;
        } else if (kind < 98) {
            plic.reset();
            model.reset();
            return "reset";
        } else {
            // A refused access: anything but an aligned 32-bit one. It must change nothing.
            offset = 4L * rnd.nextInt(0x8_0000) + 0x20_0000 * (long) rnd.nextInt(2);
            AccessWidth w = switch (rnd.nextInt(4)) {
                case 0 -> AccessWidth.BYTE;
                case 1 -> AccessWidth.WORD;
                case 2 -> AccessWidth.QWORD;
                default -> AccessWidth.DWORD;
            };
            if (w == AccessWidth.DWORD) {
                offset += 1 + rnd.nextInt(3);
            }
            AccessStatus status = rnd.nextBoolean() ? devices.mmioRead(BASE + offset, w, out)
                    : devices.mmioWrite(BASE + offset, w, rnd.nextLong(), out);
            assertEquals(AccessStatus.FAILED, status, () -> at + ": " + out.describe());
            assertInstanceOf(DeviceAccessException.class, out.failure(), () -> at + ": " + out.describe());
            return "refused " + w + " at 0x" + Long.toHexString(offset);
        }
        if (write) {
            assertEquals(AccessStatus.COMPLETED, devices.mmioWrite(BASE + offset, AccessWidth.DWORD, value, out),
                    () -> at + ": " + out.describe());
            model.write(offset, value);
            return "write 0x" + Long.toHexString(value) + " at 0x" + Long.toHexString(offset);
        }
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(BASE + offset, AccessWidth.DWORD, out),
                () -> at + ": " + out.describe());
        long expected = model.read(offset);
        String op = "read 0x" + Long.toHexString(out.value()) + " at 0x" + Long.toHexString(offset);
        assertEquals(expected, out.value(), at + ": " + op + " (model 0x" + Long.toHexString(expected) + ")");
        return op;
    }
}
