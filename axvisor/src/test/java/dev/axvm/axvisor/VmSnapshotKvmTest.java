package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.InterruptMode;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.StatelessDevice;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.AxVMBuilder;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.RestoreMemory;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.Transition;
import dev.axvm.vm.VcpuRunner;
import dev.axvm.vm.VmStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM snapshotted mid-run on real KVM and built again from the file: the guest
 * (native/guests/x86_64/snapshot-state.S, long mode, in-kernel LAPIC timer) keeps a sequence in its
 * registers, XMM, an MSR and the LAPIC timer and stores each value at 0xd0000000; the values
 * before the snapshot and those of the restored VM together are exactly an uninterrupted run's.
 */
class VmSnapshotKvmTest {
    private static final long STORES = 0xd000_0000L;
    private static final int STEPS = 24;

    private final LinuxHostHal hal = new LinuxHostHal(1L << 30);
    private final List<Thread> threads = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireKvm() {
        TestGuests.requireX86Kvm();
    }

    @AfterEach
    void everyThreadEndsAndNothingLeaks() throws InterruptedException {
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " ended");
        }
        assertEquals(0, hal.liveFrames(), "RAM and page tables returned");
        hal.close();
    }

    /**
     * Records the guest's 8-byte stores; nothing of its own to snapshot. {@link #holdAt} makes the
     * vCPU wait inside the store that reaches a count, so that a pause lands exactly there.
     */
    private static final class Stores implements MmioDevice, StatelessDevice {
        final List<Long> values = new CopyOnWriteArrayList<>();
        private volatile int holdAt = -1;
        private volatile CountDownLatch reached = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(1);

        void holdAt(int count) {
            reached = new CountDownLatch(1);
            released = new CountDownLatch(1);
            holdAt = count;
        }

        /** Waits until the vCPU is held at the count, pauses the VM (which waits for it), lets it go. */
        void pauseThere(AxVM<?, ?> vm) throws Exception {
            assertTrue(reached.await(60, TimeUnit.SECONDS), "the guest reached store " + holdAt + " within 60 s");
            CompletableFuture<Transition> pause = CompletableFuture.supplyAsync(vm::pause);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (vm.status() != VmStatus.SUSPENDED && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(50); // and the kick that follows the status has reached the vCPU
            released.countDown();
            assertEquals(Transition.APPLIED, pause.get(60, TimeUnit.SECONDS));
            assertEquals(holdAt, values.size(), "paused right after the store held");
        }

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public GuestPhysAddrRange addressRange() {
            return new GuestPhysAddrRange(STORES, 0x1000);
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            return 0;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
            values.add(value);
            if (values.size() == holdAt) {
                reached.countDown();
                try {
                    released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static AxVMConfig config() {
        return TestGuests.longMode("snapshot-state", 1).interruptMode(InterruptMode.EMULATED).build();
    }

    private AxVM<LinuxHostHal, ?> start(AxVMBuilder<LinuxHostHal, ?> builder, boolean boot) {
        AxVM<LinuxHostHal, ?> vm = builder.build();
        if (boot) {
            vm.boot();
        }
        threads.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), 0)).start(new VcpuRunner(vm, 0, HypercallHandler.NONE, true)));
        return vm;
    }

    private static void awaitPowerOff(AxVM<?, ?> vm) throws InterruptedException {
        assertTrue(vm.awaitStopped(60, TimeUnit.SECONDS), "powered off within 60 s (nested emulation is slow)");
        assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind(), vm.stopCause().detail());
    }

    @Test
    void aVmRestoredFromASnapshotTakenMidRunFinishesAsAnUninterruptedOne() throws InterruptedException {
        Stores whole = new Stores();
        try (AxVM<LinuxHostHal, ?> vm = start(AxVM.builder(config(), hal).image("snapshot-state",
                TestGuests.image("snapshot-state")).device(whole), true)) {
            awaitPowerOff(vm);
        }
        assertEquals(STEPS, whole.values.size(), "an uninterrupted run's stores");

        Path file = dir.resolve("snapshot-state.axsnap");
        Stores before = new Stores();
        int taken;
        try (AxVM<LinuxHostHal, ?> vm = start(AxVM.builder(config(), hal).image("snapshot-state",
                TestGuests.image("snapshot-state")).device(before), true)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (before.values.size() < 7) {
                assertTrue(System.nanoTime() < deadline, "7 stores within 60 s");
                Thread.sleep(1);
            }
            assertEquals(Transition.APPLIED, vm.pause());
            taken = before.values.size();
            assertTrue(vm.snapshot(file) > 0);
            assertTrue(taken < STEPS, "paused before the end: " + taken);
            assertEquals(taken, before.values.size(), "nothing ran while the snapshot was written");
        }

        // Twice from the same file: its memory mapped copy-on-write (the restored guest's writes
        // never reach the file), then copied.
        for (RestoreMemory memory : List.of(RestoreMemory.LAZY, RestoreMemory.COPY)) {
            Stores after = new Stores();
            try (AxVM<LinuxHostHal, ?> vm = start(AxVM.builder(config(), hal).device(after).restoreFrom(file, memory), false)) {
                assertEquals(VmStatus.SUSPENDED, vm.status());
                assertEquals(Transition.APPLIED, vm.resume());
                awaitPowerOff(vm);
            }
            List<Long> joined = new ArrayList<>(before.values);
            joined.addAll(after.values);
            assertEquals(whole.values, joined, memory + ": the stores before the snapshot, then the restored VM's");
        }
    }

    /**
     * A full snapshot, the guest run on, then a diff of what it changed (KVM's dirty log plus what
     * device emulation wrote): restored from the diff (the chain read down to the full one), the
     * VM finishes as an uninterrupted run, its memory mapped or copied.
     */
    @Test
    void aVmRestoredFromADiffLayeredOnAFullSnapshotFinishesAsAnUninterruptedOne() throws Exception {
        Stores whole = new Stores();
        try (AxVM<LinuxHostHal, ?> vm = start(AxVM.builder(config(), hal).image("snapshot-state",
                TestGuests.image("snapshot-state")).device(whole), true)) {
            awaitPowerOff(vm);
        }
        Path base = dir.resolve("base.axsnap");
        Path diff = dir.resolve("diff.axsnap");
        Stores before = new Stores();
        long full;
        long changed;
        before.holdAt(5);
        try (AxVM<LinuxHostHal, ?> vm = start(AxVM.builder(config(), hal).image("snapshot-state",
                TestGuests.image("snapshot-state")).device(before).trackDirtyPages(true), true)) {
            before.pauseThere(vm);
            full = vm.snapshot(base);
            before.holdAt(10);
            assertEquals(Transition.APPLIED, vm.resume());
            before.pauseThere(vm);
            changed = vm.snapshotDiff(diff);
        }
        assertTrue(changed > 0 && changed < full, "the diff holds the pages the guest wrote since: " + changed + " of " + full);
        for (RestoreMemory memory : List.of(RestoreMemory.LAZY, RestoreMemory.COPY)) {
            Stores after = new Stores();
            try (AxVM<LinuxHostHal, ?> vm = start(AxVM.builder(config(), hal).device(after).restoreFrom(diff, memory), false)) {
                assertEquals(Transition.APPLIED, vm.resume());
                awaitPowerOff(vm);
            }
            List<Long> joined = new ArrayList<>(before.values);
            joined.addAll(after.values);
            assertEquals(whole.values, joined, memory + ": the stores up to the diff, then the restored VM's");
        }
    }
}
