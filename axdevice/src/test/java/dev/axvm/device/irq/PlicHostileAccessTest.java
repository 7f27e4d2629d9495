package dev.axvm.device.irq;

import static dev.axvm.device.irq.PrivilegeMode.SUPERVISOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceAccessException;
import dev.axvm.device.DeviceContext;
import dev.axvm.testing.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A hostile guest: every width (and none) at every byte offset of the PLIC's register blocks and
 * their edges, plus random offsets across the whole window, with random values and claims mixed
 * with line changes. Each access must have its defined status (aligned 32-bit: completed with the
 * model's value; anything else: refused with {@link DeviceAccessException}; outside the window:
 * unmapped), every output must match {@link PlicModel} after each access, and afterwards a
 * well-formed claim/complete still works. Seeded; {@code -Daxvm.seed=N} replays one case.
 */
class PlicHostileAccessTest {
    private static final int CASES = 4;
    private static final long BASE = Plic.VIRT_BASE;
    private static final AccessWidth[] WIDTHS_AND_NULL = Arrays.copyOf(AccessWidth.values(), 5);

    @Test
    void everyWidthAtEveryOffsetHasItsDefinedOutcomeAndLeavesThePlicUsable() {
        for (long seed : Seeds.forCases("PlicHostileAccessTest", CASES)) {
            runCase(seed);
        }
    }

    private static void runCase(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int sources = 40;
        int harts = 2;
        RecordingExternalInterruptTarget target = new RecordingExternalInterruptTarget();
        Plic plic = new Plic("plic", BASE, Plic.VIRT_SIZE, sources, harts, target);
        PlicModel model = new PlicModel(sources, harts);
        AxVmDevices devices = new AxVmDevices();
        devices.add(plic);
        AccessOutcome out = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 16)));
        int contexts = 2 * harts;
        long[][] sweeps = {
            {-8, 0x1100},                                                         // priorities, pending, and before the window
            {0x1F00, 0x2000 + (contexts + 1) * 0x80L + 0x10},                    // enables of every context and one more
            {0x1F_1F00, 0x1F_2100},                                               // the end of the enable block
            {0x20_0000 - 0x10, 0x20_0000 + (contexts + 1) * 0x1000L + 0x10},      // every context's block and one more
            {Plic.VIRT_SIZE - 0x20, Plic.VIRT_SIZE + 8},                          // the end of the window and past it
        };
        long accesses = 0;
        for (long[] sweep : sweeps) {
            for (long offset = sweep[0]; offset < sweep[1]; offset++) {
                for (AccessWidth w : WIDTHS_AND_NULL) {
                    hostile(seed, rnd, plic, model, devices, out, offset, w);
                    accesses++;
                }
            }
        }
        for (int i = 0; i < 20_000; i++) {
            long offset = rnd.nextLong(Plic.VIRT_SIZE);
            if (rnd.nextBoolean()) {
                offset &= ~3L;
            }
            hostile(seed, rnd, plic, model, devices, out, offset, WIDTHS_AND_NULL[rnd.nextInt(5)]);
            accesses++;
        }
        assertTrue(accesses > 100_000, "seed " + seed + ": " + accesses + " accesses");

        // A well-formed transaction on hart 0's S-mode context.
        int s0 = SUPERVISOR.context(0);
        wellFormedWrite(devices, out, Plic.enableOffset(s0), 1 << 5);
        wellFormedWrite(devices, out, Plic.enableOffset(s0) + 4, 0);
        wellFormedWrite(devices, out, Plic.thresholdOffset(s0), 0);
        wellFormedWrite(devices, out, 4 * 5, 1);
        wellFormedWrite(devices, out, Plic.claimOffset(s0), 5);
        plic.setLine(5, false);
        plic.setLine(5, true);
        assertTrue(target.level(0, SUPERVISOR), "seed " + seed + ": source 5 notifies hart 0");
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(BASE + Plic.claimOffset(s0), AccessWidth.DWORD, out));
        assertEquals(5, out.value(), "seed " + seed);
        plic.setLine(5, false);
        wellFormedWrite(devices, out, Plic.claimOffset(s0), 5);
        assertTrue(!target.level(0, SUPERVISOR) && !plic.isClaimed(5) && !plic.isPending(5), "seed " + seed);
    }

    private static void wellFormedWrite(AxVmDevices devices, AccessOutcome out, long offset, long value) {
        assertEquals(AccessStatus.COMPLETED, devices.mmioWrite(BASE + offset, AccessWidth.DWORD, value, out),
                out::describe);
    }

    private static void hostile(long seed, SplittableRandom rnd, Plic plic, PlicModel model, AxVmDevices devices,
            AccessOutcome out, long offset, AccessWidth w) {
        if (rnd.nextInt(8) == 0) {
            int line = rnd.nextInt(-1, model.sources + 2);
            boolean level = rnd.nextBoolean();
            plic.setLine(line, level);
            model.setLine(line, level);
        }
        boolean write = rnd.nextBoolean();
        long value = rnd.nextBoolean() ? rnd.nextInt(model.sources + 2) : rnd.nextLong();
        String where = "seed " + seed + " " + (write ? "write 0x" + Long.toHexString(value) : "read") + " at offset 0x"
                + Long.toHexString(offset) + " width " + (w == null ? "null" : w.size());
        AccessStatus status;
        try {
            status = write ? devices.mmioWrite(BASE + offset, w, value, out) : devices.mmioRead(BASE + offset, w, out);
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": escaped the dispatch", e);
        }
        boolean inside = offset >= 0 && offset < Plic.VIRT_SIZE;
        boolean fits = inside && w != null && offset + w.size() <= Plic.VIRT_SIZE;
        if (!inside) {
            assertEquals(AccessStatus.UNMAPPED, status, where);
        } else if (!fits || w != AccessWidth.DWORD || (offset & 3) != 0) {
            assertEquals(AccessStatus.FAILED, status, where);
            assertInstanceOf(DeviceAccessException.class, out.failure(), where);
        } else {
            assertEquals(AccessStatus.COMPLETED, status, () -> where + ": " + out.describe());
            if (write) {
                model.write(offset, value & 0xFFFF_FFFFL);
            } else {
                assertEquals(model.read(offset), out.value(), where);
            }
        }
        for (int c = 0; c < model.contexts; c++) {
            assertEquals(model.output(c), plic.outputLevel(c / 2, PrivilegeMode.ofContext(c)), where + ": context " + c);
        }
    }
}
