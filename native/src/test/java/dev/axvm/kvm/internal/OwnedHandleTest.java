package dev.axvm.kvm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One owner per native handle: uses, closes and the deferred release, alone and racing. */
class OwnedHandleTest {
    @Test
    void aCloseWithNoUseReleasesAtOnceAndRefusesLaterUses() {
        AtomicInteger released = new AtomicInteger();
        OwnedHandle h = new OwnedHandle(released::incrementAndGet);
        assertTrue(h.close());
        assertEquals(1, released.get());
        assertFalse(h.enter());
        assertFalse(h.enterWhileClosing());
        assertTrue(h.close(), "idempotent");
        assertEquals(1, released.get(), "released once");
    }

    @Test
    void aCloseDuringAUseLeavesTheReleaseToTheLastUse() {
        AtomicInteger released = new AtomicInteger();
        OwnedHandle h = new OwnedHandle(released::incrementAndGet);
        assertTrue(h.enter());
        assertTrue(h.enter());
        assertFalse(h.close(), "two uses in progress");
        assertFalse(h.enter(), "no new use once closing");
        assertTrue(h.enterWhileClosing(), "a nudge still may");
        h.exit();
        h.exit();
        assertEquals(0, released.get());
        h.exit();
        assertEquals(1, released.get(), "the last use released it");
        assertTrue(h.isReleased());
    }

    @Test
    void aCloseThatWaitsNudgesUntilTheUseEnds() {
        AtomicInteger released = new AtomicInteger();
        OwnedHandle h = new OwnedHandle(released::incrementAndGet);
        assertTrue(h.enter());
        AtomicInteger nudges = new AtomicInteger();
        assertTrue(h.closeAndAwait(5_000_000_000L, 1_000_000L, () -> {
            if (nudges.incrementAndGet() == 3) {
                h.exit(); // the nudged thread leaves
            }
        }));
        assertEquals(3, nudges.get());
        assertEquals(1, released.get());
    }

    @Test
    void aCloseThatTimesOutReturnsAndTheStragglerReleases() {
        AtomicInteger released = new AtomicInteger();
        OwnedHandle h = new OwnedHandle(released::incrementAndGet);
        assertTrue(h.enter());
        assertFalse(h.closeAndAwait(2_000_000L, 1_000_000L, () -> { }));
        assertEquals(0, released.get());
        h.exit();
        assertEquals(1, released.get());
    }

    /**
     * Threads use the handle at random while one closes it at a random moment: the release runs
     * exactly once, never while a use is inside its critical section, and no use starts after it.
     */
    @Test
    void racingUsesAndACloseNeverMeetTheReleasedHandle() throws Exception {
        for (long seed : Seeds.forCases("OwnedHandleTest.racing", 300)) {
            SplittableRandom rnd = new SplittableRandom(seed);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger releases = new AtomicInteger();
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            OwnedHandle h = new OwnedHandle(() -> {
                if (inside.get() != 0) {
                    violations.add("released while " + inside.get() + " uses were inside");
                }
                releases.incrementAndGet();
            });
            int users = 1 + rnd.nextInt(3);
            int closeAfter = rnd.nextInt(200);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < users; t++) {
                long userSeed = rnd.nextLong();
                threads.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom r = new SplittableRandom(userSeed);
                    await(start);
                    for (int i = 0; i < 300; i++) {
                        boolean nudge = r.nextInt(4) == 0;
                        if (nudge ? h.enterWhileClosing() : h.enter()) {
                            inside.incrementAndGet();
                            if (h.isReleased()) {
                                violations.add("a use began on a released handle");
                            }
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                            h.exit();
                        }
                    }
                }));
            }
            start.countDown();
            for (int i = 0; i < closeAfter; i++) {
                Thread.onSpinWait();
            }
            h.close();
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(violations.isEmpty(), Seeds.replay(seed) + ": " + violations.peek());
            assertEquals(1, releases.get(), Seeds.replay(seed) + ": released exactly once");
            assertEquals(0, h.uses(), Seeds.replay(seed));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
