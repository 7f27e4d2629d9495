package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.kvm.internal.Shim;
import dev.axvm.testing.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A kick racing a close (a console thread raising a line while the VM closes, a host stopping a VM
 * as it reboots) never fails: the vCPU's handles are those of /dev/zero here, which maps like a
 * vCPU's run area and needs no KVM — so this runs on every machine. Before the vCPU had one owner
 * for its fd and run area, a kick could find the run area unmapped: 3 of 5,000 rounds threw
 * "Already closed".
 */
class KvmHandleRaceTest {
    private static final int RUN_AREA = 4096;

    private static KvmVcpu fakeVcpu() {
        int fd = Shim.check(Shim.open("/dev/zero"), "open /dev/zero");
        return new KvmVcpu(0, fd, RUN_AREA);
    }

    @Test
    void kicksRacingACloseNeverThrowAndTheCloseReleasesEverything() throws Exception {
        for (long seed : Seeds.forCases("KvmHandleRaceTest.kick", 2000)) {
            SplittableRandom rnd = new SplittableRandom(seed);
            KvmVcpu vcpu = fakeVcpu();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread kicker = Thread.ofPlatform().start(() -> {
                try {
                    while (!done.get()) {
                        vcpu.kick();
                    }
                    vcpu.kick(); // after the close too
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            int spin = rnd.nextInt(2000);
            for (int i = 0; i < spin; i++) {
                Thread.onSpinWait();
            }
            vcpu.close();
            done.set(true);
            kicker.join();
            assertTrue(failures.isEmpty(), Seeds.replay(seed) + ": " + failures.peek());
            assertTrue(vcpu.isReleased(), Seeds.replay(seed) + ": fd and run area released");
        }
    }

    @Test
    void aUseOfTheFdFromAnotherThreadDelaysTheReleaseUntilItEnds() {
        KvmVcpu vcpu = fakeVcpu();
        int fd = vcpu.beginUse();
        assertTrue(fd >= 0);
        Thread closer = Thread.ofPlatform().start(vcpu::close);
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertTrue(vcpu.isClosed(), "the close has begun");
        assertTrue(!vcpu.isReleased(), "but the fd stays while it is in use");
        assertEquals(-1, vcpu.beginUse(), "no new use once closing");
        vcpu.endUse();
        assertTrue(vcpu.isReleased(), "the use that ended released it");
        try {
            closer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
