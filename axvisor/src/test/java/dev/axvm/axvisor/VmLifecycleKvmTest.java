package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import dev.axvm.vm.VmStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VM lifecycle on real KVM while both vCPUs of a guest run without end (the lifecycle guest:
 * each vCPU counts its loops in guest memory and reports its number on port 0x500 every loop):
 * pause and resume, reboot, shutdown and close from the host while the vCPUs are inside KVM_RUN.
 */
class VmLifecycleKvmTest {
    private static final long COUNTERS = 0x20000;
    private static final long MARKER = 0x30000;
    private static final int REPORT_PORT = 0x500;
    /** How long a paused guest is watched for progress it must not make. */
    private static final long QUIET_MILLIS = 300;

    private final LinuxHostHal hal = new LinuxHostHal(1L << 30);
    private final ReportCounter reports = new ReportCounter();
    private final List<Thread> threads = new ArrayList<>();

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

    /** Counts each vCPU's 32-bit reports on port 0x500. */
    private static final class ReportCounter implements PortDevice {
        final AtomicLongArray perVcpu = new AtomicLongArray(2);

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public PortRange addressRange() {
            return new PortRange(REPORT_PORT, 4);
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            return 0;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
            if (value == context.vcpuId()) {
                perVcpu.incrementAndGet(context.vcpuId());
            }
        }
    }

    private AxVM<LinuxHostHal, ?> bootLifecycleGuest() {
        AxVM<LinuxHostHal, ?> vm = AxVM.builder(TestGuests.longMode("lifecycle", 2).build(), hal)
                .image("lifecycle", TestGuests.image("lifecycle")).device(reports).build();
        vm.boot();
        for (int i = 0; i < vm.vcpuCount(); i++) {
            threads.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), i))
                    .start(new VcpuRunner(vm, i, HypercallHandler.NONE, true)));
        }
        return vm;
    }

    private static long counter(AxVM<?, ?> vm, int vcpu) {
        return vm.addrSpace().readLong(COUNTERS + 8L * vcpu);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // nested emulation is slow
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within 60 s: " + what);
            Thread.sleep(5);
        }
    }

    private void awaitBothRunning(AxVM<?, ?> vm) throws InterruptedException {
        long m0 = counter(vm, 0);
        long m1 = counter(vm, 1);
        long r0 = reports.perVcpu.get(0);
        long r1 = reports.perVcpu.get(1);
        await("both vCPUs count in memory and report on the port", () -> counter(vm, 0) > m0 + 10
                && counter(vm, 1) > m1 + 10 && reports.perVcpu.get(0) > r0 + 10 && reports.perVcpu.get(1) > r1 + 10);
    }

    @Test
    void aPausedGuestMakesNoProgressUntilItIsResumed() throws InterruptedException {
        try (AxVM<LinuxHostHal, ?> vm = bootLifecycleGuest()) {
            awaitBothRunning(vm);
            vm.pause();
            assertEquals(VmStatus.SUSPENDED, vm.status());
            Thread.sleep(QUIET_MILLIS); // the kicks have brought both vCPUs out by now
            long c0 = counter(vm, 0);
            long c1 = counter(vm, 1);
            long r = reports.perVcpu.get(0) + reports.perVcpu.get(1);
            Thread.sleep(QUIET_MILLIS);
            assertEquals(c0, counter(vm, 0), "vCPU 0 ran while paused");
            assertEquals(c1, counter(vm, 1), "vCPU 1 ran while paused");
            assertEquals(r, reports.perVcpu.get(0) + reports.perVcpu.get(1), "port exits while paused");

            vm.resume();
            assertEquals(VmStatus.RUNNING, vm.status());
            awaitBothRunning(vm);
            assertTrue(counter(vm, 0) > c0 && counter(vm, 1) > c1, "both continued where they were");
        }
    }

    @Test
    void aRebootWhileBothVcpusRunStartsTheGuestAgainOnFreshRam() throws InterruptedException {
        try (AxVM<LinuxHostHal, ?> vm = bootLifecycleGuest()) {
            awaitBothRunning(vm);
            vm.addrSpace().writeLong(MARKER, 0x5eed_cafe_f00dL); // RAM the guest never writes
            vm.reboot();
            assertEquals(VmStatus.RUNNING, vm.status());
            assertEquals(0, vm.addrSpace().readLong(MARKER), "the guest starts again on fresh RAM");
            awaitBothRunning(vm);
            vm.shutdown();
            assertTrue(vm.awaitStopped(60, TimeUnit.SECONDS));
            assertEquals(StopCause.Kind.HOST_REQUEST, vm.stopCause().kind());
        }
    }

    @Test
    void aShutdownWhileBothVcpusRunEndsTheirThreads() throws InterruptedException {
        try (AxVM<LinuxHostHal, ?> vm = bootLifecycleGuest()) {
            awaitBothRunning(vm);
            vm.shutdown();
            assertTrue(vm.awaitStopped(60, TimeUnit.SECONDS), "stopped");
            assertEquals(VmStatus.STOPPED, vm.status());
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive(), t.getName() + " ended");
            }
        }
    }

    @Test
    void closingAVmWhoseVcpusRunReturnsEveryFdAndFrame() throws InterruptedException, IOException {
        long fdsBefore = openFds();
        AxVM<LinuxHostHal, ?> vm = bootLifecycleGuest();
        awaitBothRunning(vm);
        assertTrue(openFds() > fdsBefore, "the VM holds KVM fds while it runs");
        vm.close();
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " ended");
        }
        assertEquals(VmStatus.CLOSED, vm.status());
        assertEquals(fdsBefore, openFds(), "KVM's VM and vCPU fds closed");
        assertEquals(0, hal.liveFrames(), "RAM returned");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
