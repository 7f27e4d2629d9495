package dev.axvm.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.testing.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The two properties every {@link StatefulDevice} is held to, over seeded random guest accesses:
 * a restored device behaves as the one its state was taken of, and a hostile state is refused,
 * naming the device, without a change — or, when it is one the device could be in, taken as is.
 */
public final class StatefulDeviceProperties {

    /** A fresh device under test, the guest's accesses to it, and what it does outside itself. */
    public interface Probe extends AutoCloseable {
        /** The device. */
        StatefulDevice device();

        /** One guest access, the same for any probe given the same random state: what a read gave, or -1. */
        long step(SplittableRandom r);

        /** What the device did outside itself since the last {@link #forgetEffects} (output, lines, VM requests). */
        Object effects();

        /** Starts {@link #effects} afresh. */
        void forgetEffects();

        /**
         * Before this fresh probe's device takes {@code original}'s state: makes what the device reaches
         * outside itself (guest RAM, a disk image, the host's pending input, the driver's own
         * bookkeeping) as {@code original}'s is now, as a VM restore fills memory before devices.
         * Nothing by default.
         */
        default void adoptSurroundings(Probe original) {}

        /** Returns what the probe holds (guest RAM, files); nothing by default. */
        @Override
        default void close() {}
    }

    private StatefulDeviceProperties() {}

    /**
     * For {@code cases} seeds: drives a device at random, restores its state into a fresh one,
     * and checks that the state reads back as saved, and that 100 more random accesses get the
     * same answers and effects from both.
     */
    public static void restoredBehavesAsTheOriginal(String name, int cases, Supplier<Probe> fresh) {
        for (long seed : Seeds.forCases(name + ".roundTrip", cases)) {
            try (Probe a = fresh.get(); Probe b = fresh.get()) {
                roundTrip(seed, a, b);
            }
        }
    }

    private static void roundTrip(long seed, Probe a, Probe b) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = r.nextInt(200); i > 0; i--) {
            a.step(r);
        }
        byte[] state = a.device().saveState();
        b.adoptSurroundings(a);
        b.device().restoreState(state);
        assertArrayEquals(state, b.device().saveState(), Seeds.replay(seed) + ": the state comes back as saved");
        a.forgetEffects();
        b.forgetEffects();
        assertEquals(a.effects(), b.effects(), Seeds.replay(seed) + ": the effects right after the restore");
        long next = r.nextLong();
        SplittableRandom ra = new SplittableRandom(next);
        SplittableRandom rb = new SplittableRandom(next);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.step(ra), b.step(rb), Seeds.replay(seed) + ": access " + i + " after the restore");
            assertEquals(a.effects(), b.effects(), Seeds.replay(seed) + ": the effects after access " + i);
        }
    }

    /**
     * For {@code cases} seeds: offers a driven device a real state with a few bytes changed (now and
     * then truncated or lengthened), or random bytes of up to {@code maxRandomLength}. Each is
     * either refused with an {@link IllegalArgumentException} whose message starts with {@code prefix}
     * and leaves the state as it was, or taken as the state; more than {@code minAccepted} must be taken.
     */
    public static void hostileStateIsRefusedOrTaken(String name, int cases, Supplier<Probe> fresh, String prefix,
            int maxRandomLength, int minAccepted) {
        int accepted = 0;
        for (long seed : Seeds.forCases(name + ".hostile", cases)) {
            try (Probe p = fresh.get()) {
                accepted += hostileCase(seed, p, prefix, maxRandomLength);
            }
        }
        assertTrue(accepted > minAccepted, name + ": some changed states are valid ones, and were taken: " + accepted);
    }

    /** One hostile case on {@code p}: 1 when the state was taken, 0 when refused. */
    private static int hostileCase(long seed, Probe p, String prefix, int maxRandomLength) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = r.nextInt(50); i > 0; i--) {
            p.step(r);
        }
        byte[] before = p.device().saveState();
        byte[] state = r.nextInt(4) == 0 ? new byte[r.nextInt(maxRandomLength)] : before.clone();
        if (state.length > 0 && state.length == before.length) {
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                state[r.nextInt(state.length)] = (byte) r.nextInt(256);
            }
            if (r.nextInt(10) == 0) {
                state = Arrays.copyOf(state, r.nextInt(state.length + 5));
            }
        } else {
            r.nextBytes(state);
        }
        try {
            p.device().restoreState(state);
            assertArrayEquals(state, p.device().saveState(), Seeds.replay(seed) + ": an accepted state is the state");
            return 1;
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(prefix), Seeds.replay(seed) + ": " + e.getMessage());
            assertArrayEquals(before, p.device().saveState(), Seeds.replay(seed) + ": a refused state changes nothing");
            return 0;
        } catch (RuntimeException e) {
            return fail(Seeds.replay(seed) + ": " + e);
        }
    }
}
