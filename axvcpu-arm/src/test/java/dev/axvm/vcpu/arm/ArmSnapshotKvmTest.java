package dev.axvm.vcpu.arm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A vCPU and its vGICv3 saved mid-run on this host's KVM and restored into a fresh VM: the guest
 * (native/guests/aarch64/snapshot-state.S) keeps its sequence in general, FP and system
 * registers, and an interrupt the host raised before the save must be taken after the restore,
 * so a restore that loses a register or any part of the vGIC's state shows.
 */
class ArmSnapshotKvmTest {
    private static final int STEPS = 24;
    private static final int PAUSE_AFTER = 7;
    private static final int LINE = ArmPlatform.FIRST_SPI_INTID + 5;
    private static final long READY = 0x4ead1;

    @BeforeAll
    static void requireKvm() {
        ArmTestGuests.requireKvm();
    }

    /** What the guest reports at each step, computed as the guest does. */
    static long[] expectedSequence() {
        long lcg = 0x9e3779b97f4a7c15L;
        long d8 = 0x0123456789abcdefL;
        long tpidr = 0x5eed0000L;
        long[] out = new long[STEPS];
        for (int i = 0; i < STEPS; i++) {
            lcg = lcg * 6364136223846793005L + 1442695040888963407L;
            d8 += 0x0fedcba987654321L;
            tpidr++;
            out[i] = d8 ^ lcg ^ tpidr;
        }
        return out;
    }

    /** The reports after the pause: the rest of the sequence, ready, then the INTID taken. */
    private static long[] expectedAfterPause() {
        return LongStream.concat(Arrays.stream(expectedSequence(), PAUSE_AFTER, STEPS), LongStream.of(READY, LINE)).toArray();
    }

    /** Runs vCPU 0 on another thread, failing the test instead of hanging with it. */
    private static ExitReason runWithin(ArmTestGuests g, RecordingDevices devices, int seconds) throws Exception {
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
            return fail("the guest did not finish within " + seconds + " s (reports so far: " + devices.reports + ")");
        }
    }

    /** Reports recorded; the vCPU asked to stop after {@code stopAfter} of them. */
    private static RecordingDevices stoppingAfter(ArmTestGuests g, int stopAfter) {
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

    /** Pauses the guest after {@link #PAUSE_AFTER} steps with INTID 37 raised (and masked by the guest). */
    private static void pauseWithTheLineRaised(ArmTestGuests g) throws Exception {
        RecordingDevices before = stoppingAfter(g, PAUSE_AFTER);
        assertEquals(ExitReason.Nothing.INSTANCE, runWithin(g, before, 60));
        assertArrayEquals(Arrays.copyOf(expectedSequence(), PAUSE_AFTER), values(before));
        g.vm.setIrqLine(LINE, true);
    }

    @Test
    void aVcpuAndItsVgicRestoredIntoAFreshVmFinishTheSequenceAndTakeTheRaisedInterrupt() throws Exception {
        try (ArmTestGuests first = new ArmTestGuests("snapshot-state", 1, true, ArmTestGuests.DTB)) {
            pauseWithTheLineRaised(first);
            byte[] vcpuState = first.vcpu.saveState();
            byte[] vmState = first.vm.saveState();
            try (ArmTestGuests second = ArmTestGuests.restored(first.memory(), vmState, vcpuState)) {
                RecordingDevices after = new RecordingDevices();
                assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(second, after, 60));
                assertArrayEquals(expectedAfterPause(), values(after),
                        "the restored vCPU's reports: the sequence, ready, and the INTID the vGIC kept pending");
            }
            RecordingDevices rest = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(first, rest, 60));
            assertArrayEquals(expectedAfterPause(), values(rest), "saving changed nothing");
        }
    }

    @Test
    void malformedStatesAreRefusedNamingTheFieldAndLeaveTheVmAsItWas() throws Exception {
        try (ArmTestGuests g = new ArmTestGuests("snapshot-state", 1, true, ArmTestGuests.DTB)) {
            pauseWithTheLineRaised(g);
            byte[] vcpuGood = g.vcpu.saveState();
            byte[] vmGood = g.vm.saveState();
            byte[] unknownRegister = vcpuGood.clone();
            // The first register's id (after version, run state and count): one KVM has never listed.
            Arrays.fill(unknownRegister, 9, 17, (byte) 0xee);
            byte[] otherShape = vmGood.clone();
            otherShape[1]++; // the vGIC's interrupt count
            for (byte[] bad : List.of(new byte[0], Arrays.copyOf(vcpuGood, vcpuGood.length - 1), unknownRegister)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.vcpu.restoreState(bad));
                assertTrue(e.getMessage().startsWith("aarch64 vCPU 0 state: "), e.getMessage());
            }
            for (byte[] bad : List.of(new byte[0], Arrays.copyOf(vmGood, vmGood.length - 1),
                    Arrays.copyOf(vmGood, vmGood.length + 8), otherShape)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.vm.restoreState(bad));
                assertTrue(e.getMessage().startsWith("aarch64 VM 1 state: "), e.getMessage());
            }
            RecordingDevices rest = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(g, rest, 60));
            assertArrayEquals(expectedAfterPause(), values(rest));
        }
    }

    @Test
    void aVmWithoutAVgicSavesAndRestoresOnlyItsVersion() {
        try (ArmTestGuests g = new ArmTestGuests("spin")) {
            byte[] state = g.vm.saveState();
            assertEquals(1, state.length);
            g.vm.restoreState(state);
            assertThrows(IllegalArgumentException.class, () -> g.vm.restoreState(new byte[] {1, 0}));
        }
    }
}
