package dev.axvm.vcpu.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.x86.internal.X86VmPart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A vCPU's and a VM's state saved mid-run on this host's KVM and restored into a fresh VM: the
 * guest (native/guests/x86_64/snapshot-state.S) keeps its sequence in general registers, an XMM
 * register, an MSR and the LAPIC timer, so a restore that loses any of them shows.
 */
class X86SnapshotKvmTest {
    private static final int STEPS = 24;
    private static final int PAUSE_AFTER = 7;

    @BeforeAll
    static void requireKvm() {
        X86TestGuests.requireKvm();
    }

    /** What the guest stores at each step, computed as the guest does. */
    static long[] expectedSequence() {
        long r12 = 0x9e3779b97f4a7c15L;
        long xmm0 = 0x0123456789abcdefL;
        long xmm1 = 0x0fedcba987654321L;
        long msr = 0x5eed0000L;
        long[] out = new long[STEPS];
        for (int i = 0; i < STEPS; i++) {
            r12 = r12 * 6364136223846793005L + 1442695040888963407L;
            xmm0 += xmm1;
            msr++;
            out[i] = xmm0 ^ r12 ^ msr;
        }
        return out;
    }

    /** Records the guest's 8-byte stores; asks the vCPU to stop after {@code stopAfter} of them. */
    private static final class Stores extends RecordingDevices {
        final List<Long> values = new ArrayList<>();
        private final X86VCpu vcpu;
        private final int stopAfter;

        Stores(X86VCpu vcpu, int stopAfter) {
            this.vcpu = vcpu;
            this.stopAfter = stopAfter;
        }

        @Override
        public void mmioWrite(long addr, AccessWidth width, long value) {
            values.add(value);
            if (values.size() == stopAfter) {
                vcpu.kick();
            }
        }
    }

    /** Runs the guest's vCPU on another thread, failing the test instead of hanging with it. */
    private static ExitReason runWithin(X86TestGuests g, RecordingDevices devices, int seconds) throws Exception {
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
            return fail("the guest did not finish within " + seconds + " s: " + g.vcpu.describeState());
        }
    }

    private static long[] tail(long[] all, int from) {
        return Arrays.copyOfRange(all, from, all.length);
    }

    private static long[] values(Stores s) {
        return s.values.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void aVcpuRestoredIntoAFreshVmFinishesTheSequenceTheSavedOneStarted() throws Exception {
        long[] expected = expectedSequence();
        try (X86TestGuests first = new X86TestGuests("snapshot-state", EntryMode.LONG, true)) {
            Stores before = new Stores(first.vcpu, PAUSE_AFTER);
            assertEquals(ExitReason.Nothing.INSTANCE, runWithin(first, before, 30));
            assertArrayEquals(Arrays.copyOf(expected, PAUSE_AFTER), values(before));

            byte[] vcpuState = first.vcpu.saveState();
            byte[] vmState = first.vm.saveState();
            try (X86TestGuests second = X86TestGuests.restored(true, first.memory(), vmState, vcpuState)) {
                Stores after = new Stores(second.vcpu, -1);
                assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(second, after, 30));
                assertArrayEquals(tail(expected, PAUSE_AFTER), values(after), "the restored guest's stores");
            }
            Stores original = new Stores(first.vcpu, -1);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(first, original, 30));
            assertArrayEquals(tail(expected, PAUSE_AFTER), values(original), "saving changed nothing for the original");
        }
    }

    /** KVM has no LAPIC to report without an in-kernel irqchip: the state goes without it, both ways. */
    @Test
    void aVcpuOfAVmWithoutAnInKernelIrqchipIsSavedAndRestored() throws Exception {
        try (X86TestGuests first = new X86TestGuests("hlt-loop", EntryMode.REAL, false)) {
            assertEquals(ExitReason.Halt.INSTANCE, runWithin(first, new Stores(first.vcpu, -1), 30));
            first.vcpu.setGpr(3, 0x5eed_0017L);
            byte[] vcpuState = first.vcpu.saveState();
            try (X86TestGuests second = X86TestGuests.restored(false, first.memory(), first.vm.saveState(), vcpuState)) {
                assertEquals(0x5eed_0017L, second.vcpu.getGpr(3));
                assertEquals(ExitReason.Halt.INSTANCE, runWithin(second, new Stores(second.vcpu, -1), 30),
                        "the restored guest jumps back to its HLT");
            }
        }
    }

    @Test
    void theInterruptControllersComeBackAsTheyWereSaved() throws Exception {
        try (X86TestGuests first = new X86TestGuests("snapshot-state", EntryMode.LONG, true)) {
            first.vm.setIrqLine(20, true); // a raised IOAPIC input (pins from 16 have no PIC behind them)
            assertEquals(ExitReason.Nothing.INSTANCE, runWithin(first, new Stores(first.vcpu, 2), 30));
            byte[] vmState = first.vm.saveState();
            try (X86TestGuests second = X86TestGuests.restored(true, first.memory(), vmState, first.vcpu.saveState())) {
                byte[] again = second.vm.saveState();
                StateReader saved = new StateReader("saved", vmState, 1);
                StateReader restored = new StateReader("restored", again, 1);
                assertEquals(saved.getByte("irqchip"), restored.getByte("irqchip"));
                for (X86VmPart p : List.of(X86VmPart.PIC_MASTER, X86VmPart.PIC_SLAVE, X86VmPart.IOAPIC)) {
                    assertArrayEquals(saved.getBlock(p.label(), p.size()), restored.getBlock(p.label(), p.size()), p.label());
                }
            }
        }
    }

    @Test
    void malformedStatesAreRefusedNamingTheFieldAndLeaveTheVcpuAsItWas() throws Exception {
        try (X86TestGuests g = new X86TestGuests("snapshot-state", EntryMode.LONG, true)) {
            assertEquals(ExitReason.Nothing.INSTANCE, runWithin(g, new Stores(g.vcpu, PAUSE_AFTER), 30));
            byte[] good = g.vcpu.saveState();
            List<byte[]> bad = List.of(new byte[0], Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1),
                    withByte(good, 0, 2), withByte(good, 1, 7), withByte(good, 2, 0x7f));
            List<String> says = List.of("encoding version", "pending vectors", "after the last field", "encoding version 2",
                    "7 parts", "general registers");
            for (int i = 0; i < bad.size(); i++) {
                byte[] b = bad.get(i);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.vcpu.restoreState(b));
                assertTrue(e.getMessage().startsWith("x86 vCPU 0 state: ") && e.getMessage().contains(says.get(i)),
                        e.getMessage());
            }
            Stores rest = new Stores(g.vcpu, -1);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runWithin(g, rest, 30));
            assertArrayEquals(tail(expectedSequence(), PAUSE_AFTER), values(rest));
        }
    }

    /**
     * Seeded corruptions of a saved state: each is refused with an {@link IllegalArgumentException}
     * or taken by KVM; nothing else escapes, and the host survives every one.
     */
    @Test
    void corruptedStatesAreRefusedOrTakenNeverAnythingElse() throws Exception {
        long seed = Long.getLong("axvm.seed", System.nanoTime());
        Random random = new Random(seed);
        try (X86TestGuests g = new X86TestGuests("snapshot-state", EntryMode.LONG, true)) {
            assertEquals(ExitReason.Nothing.INSTANCE, runWithin(g, new Stores(g.vcpu, 2), 30));
            byte[] good = g.vcpu.saveState();
            byte[] goodVm = g.vm.saveState();
            int refused = 0;
            for (int i = 0; i < 300; i++) {
                boolean vm = random.nextInt(4) == 0;
                byte[] b = corrupt(vm ? goodVm : good, random);
                try {
                    if (vm) {
                        g.vm.restoreState(b);
                    } else {
                        g.vcpu.restoreState(b);
                    }
                } catch (IllegalArgumentException e) {
                    refused++;
                } catch (RuntimeException e) {
                    throw new AssertionError("case " + i + " (replay with -Daxvm.seed=" + seed + "): " + e, e);
                }
            }
            assertTrue(refused > 0, "seed " + seed + ": no corruption was refused");
        }
    }

    private static byte[] corrupt(byte[] good, Random random) {
        byte[] b = good.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 1 -> {
                int at = random.nextInt(Math.min(b.length, 16));
                b[at] = (byte) random.nextInt(256);
            }
            default -> {
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
        }
        return b;
    }

    private static byte[] withByte(byte[] b, int at, int value) {
        byte[] out = b.clone();
        out[at] = (byte) value;
        return out;
    }
}
