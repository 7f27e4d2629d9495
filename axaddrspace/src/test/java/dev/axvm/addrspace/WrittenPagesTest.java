package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link WrittenPages} against a model (a BitSet per range): seeded random notes, some crossing
 * range ends or outside every range, then takes. Replay a failure with {@code -Daxvm.seed=N}.
 */
class WrittenPagesTest {
    private static final long SEED = Long.getLong("axvm.seed", new SplittableRandom().nextLong());
    private static final int CASES = 2_000;
    private static final long PAGE = 4096;

    private static long[] words(BitSet model, long pages) {
        long[] out = new long[(int) ((pages + 63) / 64)];
        long[] set = model.toLongArray();
        System.arraycopy(set, 0, out, 0, Math.min(set.length, out.length));
        return out;
    }

    @Test
    void takesGiveExactlyThePagesNotedInEachRangeSinceTheLastTake() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int c = 0; c < CASES; c++) {
            String where = "seed " + SEED + " (-Daxvm.seed to replay), case " + c;
            WrittenPages w = new WrittenPages();
            int n = 1 + r.nextInt(3);
            long[] gpa = new long[n];
            long[] pages = new long[n];
            BitSet[] model = new BitSet[n];
            long at = r.nextInt(4) * PAGE;
            for (int i = 0; i < n; i++) {
                gpa[i] = at;
                pages[i] = 1 + r.nextInt(300);
                model[i] = new BitSet();
                w.track(gpa[i], pages[i] * PAGE);
                at += (pages[i] + r.nextInt(3)) * PAGE; // ranges may touch or leave a gap
            }
            for (int step = 0; step < 40; step++) {
                if (r.nextInt(8) == 0) {
                    int i = r.nextInt(n);
                    assertArrayEquals(words(model[i], pages[i]), w.take(gpa[i]), where);
                    model[i].clear();
                    continue;
                }
                long from = r.nextLong(at + 8 * PAGE);
                long length = r.nextInt(8) == 0 ? 0 : 1 + r.nextLong(r.nextBoolean() ? 16 : 6 * PAGE);
                w.note(from, length);
                for (int i = 0; i < n && length > 0; i++) {
                    long lo = Math.max(from, gpa[i]);
                    long hi = Math.min(from + length, gpa[i] + pages[i] * PAGE);
                    if (lo < hi) {
                        model[i].set((int) ((lo - gpa[i]) / PAGE), (int) ((hi - 1 - gpa[i]) / PAGE) + 1);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(words(model[i], pages[i]), w.take(gpa[i]), where);
                assertArrayEquals(new long[(int) ((pages[i] + 63) / 64)], w.take(gpa[i]), where + ": a take clears");
            }
        }
    }

    @Test
    void notesFromManyThreadsAreNeverLost() throws InterruptedException {
        WrittenPages w = new WrittenPages();
        w.track(0, 1024 * PAGE);
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] t = new Thread[threads];
        for (int k = 0; k < threads; k++) {
            int first = k;
            t[k] = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int p = first; p < 1024; p += threads) {
                    w.note(p * PAGE + 5, 1); // threads share every word of the bitmap
                }
            });
        }
        go.countDown();
        for (Thread x : t) {
            x.join();
        }
        long[] all = w.take(0);
        for (long word : all) {
            assertEquals(-1L, word);
        }
    }

    @Test
    void onlyWholePagesAreTrackedAndAnUntrackedTakeIsRefused() {
        WrittenPages w = new WrittenPages();
        assertThrows(IllegalArgumentException.class, () -> w.track(100, PAGE));
        assertThrows(IllegalArgumentException.class, () -> w.track(0, 0));
        assertThrows(IllegalStateException.class, () -> w.take(0));
        w.track(0, PAGE);
        w.note(-PAGE, 2 * PAGE); // from below the range into its page
        assertArrayEquals(new long[] {1}, w.take(0));
    }
}
