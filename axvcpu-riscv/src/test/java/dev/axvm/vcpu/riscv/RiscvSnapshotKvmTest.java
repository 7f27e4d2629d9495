package dev.axvm.vcpu.riscv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hart's state saved mid-run on this host's KVM and restored into a fresh VM: the guest
 * (native/guests/riscv64/snapshot-state.S) keeps its sequence in registers, an FP register and
 * sscratch, so a restore that loses any of them shows.
 */
class RiscvSnapshotKvmTest {
    private static final int STEPS = 24;
    private static final int PAUSE_AFTER = 7;

    @BeforeAll
    static void requireKvm() {
        RiscvTestGuests.requireKvm();
    }

    /** What the guest reports at each step, computed as the guest does. */
    static long[] expectedSequence() {
        long lcg = 0x9e3779b97f4a7c15L;
        long fs0 = 0x0123456789abcdefL;
        long csr = 0x5eed0000L;
        long[] out = new long[STEPS];
        for (int i = 0; i < STEPS; i++) {
            lcg = lcg * 6364136223846793005L + 1442695040888963407L;
            fs0 += 0x0fedcba987654321L;
            csr++;
            out[i] = fs0 ^ lcg ^ csr;
        }
        return out;
    }

    /** Runs the hart on another thread, failing the test instead of hanging with it. */
    private static ExitReason runWithin(RiscvTestGuests g, RecordingDevices devices, int seconds) throws Exception {
        g.vcpu.unbind();
        CompletableFuture<ExitReason> run = CompletableFuture.supplyAsync(() -> {
            g.vcpu.bind();
            try {
                return g.vcpu.run(devices);
            } finally {
                g.vcpu.unbind();
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        try {
            return run.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            g.vcpu.kick();
            return fail("the guest did not finish within " + seconds + " s");
        }
    }

    /** Reports recorded; the hart asked to stop after {@code stopAfter} of them. */
    private static RecordingDevices stoppingAfter(RiscvTestGuests g, int stopAfter) {
        RecordingDevices d = new RecordingDevices();
        d.onReport = v -> {
            if (d.reports.size() == stopAfter) {
                g.vcpu.kick();
            }
        };
        return d;
    }

    private static long[] values(RecordingDevices d) {
        return d.reports.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void aHartRestoredIntoAFreshVmFinishesTheSequenceTheSavedOneStarted() throws Exception {
        long[] expected = expectedSequence();
        try (RiscvTestGuests first = new RiscvTestGuests("snapshot-state")) {
            RecordingDevices before = stoppingAfter(first, PAUSE_AFTER);
            assertEquals(ExitReason.Nothing.INSTANCE, runWithin(first, before, 60));
            assertArrayEquals(Arrays.copyOf(expected, PAUSE_AFTER), values(before));
            byte[] vcpuState = first.vcpu.saveState();
            byte[] vmState = first.vm.saveState();
            try (RiscvTestGuests second = RiscvTestGuests.restored(first.memory(), vmState, vcpuState)) {
                RecordingDevices after = new RecordingDevices();
                assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(second, after, 60));
                assertArrayEquals(Arrays.copyOfRange(expected, PAUSE_AFTER, STEPS), values(after), "the restored hart's reports");
            }
            RecordingDevices rest = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(first, rest, 60));
            assertArrayEquals(Arrays.copyOfRange(expected, PAUSE_AFTER, STEPS), values(rest), "saving changed nothing");
        }
    }

    @Test
    void malformedStatesAreRefusedNamingTheFieldAndLeaveTheHartAsItWas() throws Exception {
        try (RiscvTestGuests g = new RiscvTestGuests("snapshot-state")) {
            assertEquals(ExitReason.Nothing.INSTANCE, runWithin(g, stoppingAfter(g, PAUSE_AFTER), 60));
            byte[] good = g.vcpu.saveState();
            byte[] unknownRegister = good.clone();
            // The first register's id (after version, run state and count): one KVM has never listed.
            for (int i = 9; i < 17; i++) {
                unknownRegister[i] = (byte) 0xee;
            }
            for (byte[] bad : new byte[][] {new byte[0], Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1),
                unknownRegister}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.vcpu.restoreState(bad));
                assertTrue(e.getMessage().startsWith("riscv64 vCPU 0 state: "), e.getMessage());
            }
            RecordingDevices rest = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(g, rest, 60));
            assertArrayEquals(Arrays.copyOfRange(expectedSequence(), PAUSE_AFTER, STEPS), values(rest));
        }
    }
}
