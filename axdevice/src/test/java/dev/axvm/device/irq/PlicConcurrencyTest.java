package dev.axvm.device.irq;

import static dev.axvm.device.irq.PrivilegeMode.SUPERVISOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.DeviceContext;
import dev.axvm.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Host threads toggling lines while vCPU threads claim and complete, as a console and a busy SMP
 * guest do. Afterwards every output the harts heard must equal the PLIC's level; per context the
 * calls must alternate; calls must never overlap; and no source may be held by two claims at once.
 * The interleaving is the scheduler's; the workload is seeded ({@code -Daxvm.seed=N}).
 */
class PlicConcurrencyTest {
    private static final int HARTS = 3;
    private static final int LINE_THREADS = 2;
    private static final int OPS = 20_000;
    private static final int SOURCES = 12;

    @Test
    void linesClaimsAndCompletionsFromManyThreadsLeaveTheHartsAtTheCurrentLevels() throws Exception {
        for (long seed : Seeds.forCases("PlicConcurrencyTest", 3)) {
            runCase(seed);
        }
    }

    private static void runCase(long seed) throws Exception {
        AtomicInteger inCall = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        RecordingExternalInterruptTarget recorder = new RecordingExternalInterruptTarget();
        ExternalInterruptTarget target = (hart, mode, asserted) -> {
            if (inCall.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            recorder.setExternalInterrupt(hart, mode, asserted);
            Thread.onSpinWait();
            inCall.decrementAndGet();
        };
        Plic plic = Plic.virt(HARTS, target);
        DeviceContext setup = new DeviceContext(1, 0, new ArrayGuestMemory(0, 16));
        int enableAll = 0;
        for (int s = 1; s <= SOURCES; s++) {
            plic.handleWrite(Plic.VIRT_BASE + 4L * s, AccessWidth.DWORD, 1 + s % 7, setup);
            enableAll |= 1 << s;
        }
        for (int h = 0; h < HARTS; h++) {
            plic.handleWrite(Plic.VIRT_BASE + Plic.enableOffset(SUPERVISOR.context(h)), AccessWidth.DWORD, enableAll, setup);
        }

        Map<Integer, Integer> holders = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < LINE_THREADS; t++) {
            SplittableRandom rnd = new SplittableRandom(seed * 31 + t);
            threads.add(start("console-" + t, seed, failures, () -> {
                await(start);
                for (int i = 0; i < OPS; i++) {
                    plic.setLine(1 + rnd.nextInt(SOURCES), rnd.nextBoolean());
                }
            }));
        }
        for (int h = 0; h < HARTS; h++) {
            int hart = h;
            SplittableRandom rnd = new SplittableRandom(seed * 37 + h);
            DeviceContext vcpu = new DeviceContext(1, hart, new ArrayGuestMemory(0, 16));
            long claimAt = Plic.VIRT_BASE + Plic.claimOffset(SUPERVISOR.context(hart));
            threads.add(start("vcpu-" + hart, seed, failures, () -> {
                await(start);
                for (int i = 0; i < OPS; i++) {
                    int id = (int) plic.handleRead(claimAt, AccessWidth.DWORD, vcpu);
                    if (id == 0) {
                        continue;
                    }
                    Integer other = holders.putIfAbsent(id, hart);
                    if (other != null) {
                        failures.add("seed " + seed + ": hart " + hart + " claimed " + id + " held by hart " + other);
                    }
                    if (rnd.nextInt(4) == 0) {
                        plic.setLine(id, false); // the handler services the device
                    }
                    holders.remove(id);
                    plic.handleWrite(claimAt, AccessWidth.DWORD, id, vcpu);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "seed " + seed + ": " + t.getName() + " still running");
        }
        assertEquals(List.of(), failures);
        assertEquals(0, overlaps.get(), "seed " + seed + ": calls to the target overlapped");
        for (int h = 0; h < HARTS; h++) {
            assertEquals(plic.outputLevel(h, SUPERVISOR), recorder.level(h, SUPERVISOR), "seed " + seed + ": hart " + h);
            Boolean last = null;
            for (ExternalInterruptChange c : recorder.changes()) {
                if (c.hart() == h && c.mode() == SUPERVISOR) {
                    assertNotEquals(last, c.asserted(), "seed " + seed + ": hart " + h + " heard the same level twice");
                    last = c.asserted();
                }
            }
        }
        assertTrue(recorder.changes().size() > 10, "seed " + seed + ": the workload changed outputs "
                + recorder.changes().size() + " times");
    }

    /** A started thread whose uncaught failure lands in {@code failures} instead of only on stderr. */
    private static Thread start(String name, long seed, List<String> failures, Runnable body) {
        return Thread.ofPlatform().name(name)
                .uncaughtExceptionHandler((t, e) -> failures.add("seed " + seed + ": " + name + " threw " + e))
                .start(body);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the start", e);
        }
    }
}
