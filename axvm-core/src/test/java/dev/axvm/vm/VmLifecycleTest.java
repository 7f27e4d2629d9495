package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.Port;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.device.uart.SerialSink;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vm.testkit.FaultPlan;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The VM lifecycle against what a hostile guest or a racing host does: each test here is one way a
 * VM could be left hung, dead or leaking before the lifecycle became one state machine, and fails
 * on that code (the threads' uncaught exceptions are collected and must stay empty).
 */
class VmLifecycleTest {
    private static final byte[] KERNEL = {(byte) 0xf4};

    private final MockHal hal = new MockHal();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();

    @AfterEach
    void everyThreadEndedAndEverythingIsReturned() throws InterruptedException {
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " ended");
        }
        assertTrue(uncaught.isEmpty(), "a thread died: " + uncaught.peek());
        assertEquals(0, hal.pagingHandler().liveFrames(), "page-table frames returned");
        assertEquals(0, hal.liveRamBlocks(), "guest RAM returned");
        hal.close();
    }

    static AxVMConfigBuilder config(int cpus) {
        return AxVMConfig.builder().name("lifecycle").id(5).cpuNum(cpus).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel("kernel.bin", 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 16 << 20, 0x7, MapType.MAP_ALLOC);
    }

    private AxVM<MockHal, ?> build(int cpus, ScriptedBackend backend) {
        return AxVM.builder(config(cpus).build(), hal).backend(backend).image("kernel.bin", KERNEL)
                .quiesceTimeout(Duration.ofMillis(500)).build();
    }

    private Thread runner(AxVM<?, ?> vm, int vcpu, HypercallHandler hypercalls, boolean rebootOnReset) {
        Thread t = Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), vcpu))
                .uncaughtExceptionHandler((th, e) -> uncaught.add(e))
                .start(new VcpuRunner(vm, vcpu, hypercalls, rebootOnReset));
        threads.add(t);
        return t;
    }

    private static ExitReason out(int port, long value) {
        return new ExitReason.IoWrite(Port.of(port), AccessWidth.BYTE, value);
    }

    private static ExitReason cpuUp(long entry) {
        return new ExitReason.CpuUp(1, GuestPhysAddr.of(entry), 0);
    }

    // ---- 1. no silent thread death -----------------------------------------------------------

    @Test
    void aHypercallHandlerThatThrowsStopsTheVmWithACrashCarryingTheException() throws InterruptedException {
        ScriptedBackend backend = new ScriptedBackend("x86_64", (n, id) -> List.of(new ExitReason.Hypercall(0x41, 0, 0, 0, 0, 0, 0)));
        IllegalStateException boom = new IllegalStateException("the handler broke");
        try (AxVM<MockHal, ?> vm = build(1, backend)) {
            vm.boot();
            runner(vm, 0, (v, id, call) -> {
                throw boom;
            }, false);
            assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "awaitStopped returns");
            assertEquals(StopCause.Kind.CRASH, vm.stopCause().kind());
            assertEquals(boom, vm.stopCause().error());
            assertTrue(vm.stopCause().detail().contains("the handler broke"), vm.stopCause().detail());
        }
    }

    @Test
    void aSecondaryRestartedAtAnEntryItCannotTakeStopsTheVmInsteadOfKillingItsThread() throws InterruptedException {
        // vCPU 0 starts vCPU 1, which turns itself off; vCPU 0 then starts it again at an entry the
        // backend refuses (x86 real mode cannot reach 0x200000).
        ScriptedBackend backend = new ScriptedBackend("x86_64",
                (n, id) -> id == 0 ? List.of(cpuUp(0x9000)) : List.of(new ExitReason.CpuDown(0)))
                .rejectingEntry(0x20_0000);
        try (AxVM<MockHal, ?> vm = build(2, backend)) {
            vm.boot();
            runner(vm, 0, HypercallHandler.NONE, false);
            runner(vm, 1, HypercallHandler.NONE, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!(backend.vms().getFirst().vcpus().get(1).calls().contains("setup DEFAULT arg=0x0") && !vm.isStarted(1))) {
                assertTrue(System.nanoTime() < deadline, "vCPU 1 ran and turned itself off");
                Thread.sleep(1);
            }
            ScriptedVCpu bsp = backend.vms().getFirst().vcpus().get(0);
            bsp.append(cpuUp(0x20_0000));
            assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "awaitStopped returns");
            assertEquals(StopCause.Kind.CRASH, vm.stopCause().kind());
            assertInstanceOf(IllegalArgumentException.class, vm.stopCause().error());
        }
    }

    @Test
    void aRebootThatFailsStopsTheVmWithTheReasonAndThrowsAtNobody() throws InterruptedException {
        FaultPlan counting = FaultPlan.counting();
        MockHal probe = new MockHal().withFaults(counting);
        try (probe; AxVM<MockHal, ?> vm = AxVM.builder(config(1).build(), probe)
                .backend(new ScriptedBackend("x86_64", (n, id) -> List.of())).image("kernel.bin", KERNEL).build()) {
            assertTrue(counting.calls() > 0);
        }
        FaultPlan plan = new FaultPlan(counting.calls() + 1); // the first allocation after the build: the reboot's RAM
        hal.withFaults(plan);
        ScriptedBackend backend = new ScriptedBackend("x86_64", (n, id) -> List.of(new ExitReason.SystemDown(Reason.RESET)));
        try (AxVM<MockHal, ?> vm = build(1, backend)) {
            vm.boot();
            runner(vm, 0, HypercallHandler.NONE, true);
            assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "awaitStopped returns");
            assertTrue(plan.fired());
            assertEquals(StopCause.Kind.CRASH, vm.stopCause().kind());
            assertInstanceOf(FaultPlan.InjectedFault.class, vm.stopCause().error());
            assertTrue(vm.stopCause().detail().startsWith("reboot failed"), vm.stopCause().detail());
        }
    }

    @Test
    void aHostRebootThatFailsAnswersFailedAndLeavesTheVmStopped() {
        FaultPlan counting = FaultPlan.counting();
        MockHal probe = new MockHal().withFaults(counting);
        try (probe; AxVM<MockHal, ?> vm = AxVM.builder(config(1).build(), probe)
                .backend(new ScriptedBackend("x86_64", (n, id) -> List.of())).image("kernel.bin", KERNEL).build()) {
            assertTrue(counting.calls() > 0);
        }
        hal.withFaults(new FaultPlan(counting.calls() + 1));
        try (AxVM<MockHal, ?> vm = build(1, new ScriptedBackend("x86_64", (n, id) -> List.of()))) {
            vm.boot();
            assertEquals(Transition.FAILED, vm.reboot());
            assertEquals(VmStatus.STOPPED, vm.status());
            assertEquals(StopCause.Kind.CRASH, vm.stopCause().kind());
        }
    }

    // ---- 2. several vCPUs resetting at once ---------------------------------------------------

    @Test
    void twoVcpusResettingAtOnceRebootTheVmOnceAndItRunsOn() throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            ScriptedBackend backend = new ScriptedBackend("x86_64", (n, id) -> n == 0
                    ? (id == 0 ? List.of(cpuUp(0x9000), new ExitReason.SystemDown(Reason.RESET))
                            : List.of(new ExitReason.SystemDown(Reason.RESET)))
                    : (id == 0 ? List.of(new ExitReason.SystemDown(Reason.POWER_OFF)) : List.of()));
            try (AxVM<MockHal, ?> vm = build(2, backend)) {
                vm.boot();
                runner(vm, 0, HypercallHandler.NONE, true);
                runner(vm, 1, HypercallHandler.NONE, true);
                assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "round " + round + ": the rebooted VM powered off");
                assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind(), "round " + round);
                assertEquals(2, backend.vms().size(), "round " + round + ": one reboot for the two resets");
            }
            for (Thread t : threads) {
                t.join(5000);
                assertFalse(t.isAlive(), "round " + round + ": " + t.getName() + " ended");
            }
            assertTrue(uncaught.isEmpty(), "round " + round + ": a vCPU thread died: " + uncaught.peek());
            threads.clear();
        }
    }

    @Test
    void aResetThroughThePcResetPortsRebootsTheVmAndTheNewBootRuns() throws InterruptedException {
        // The FADT's reset register (0xcf9 = RST_CPU | SYS_RST) and the i8042's pulse (0x64 = 0xfe), each
        // on a first boot; the second boot powers off through the ACPI sleep registers (S5 | SLP_EN).
        for (ExitReason reset : List.of(out(0xcf9, 0x06), out(0x64, 0xfe))) {
            ScriptedBackend backend = new ScriptedBackend("x86_64", (n, id) -> n == 0
                    ? List.of(reset, out(0x80, 0x11), out(0x80, 0x22))
                    : List.of(out(0x600, 5 << 2 | 1 << 5)));
            try (AxVM<MockHal, ?> vm = build(1, backend)) {
                vm.boot();
                runner(vm, 0, HypercallHandler.NONE, true);
                assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), reset + ": the rebooted VM powered off");
                assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind(), reset + ": " + vm.stopCause());
                assertEquals(2, backend.vms().size(), reset + ": one reboot");
            }
        }
    }

    // ---- 3. a stop or a close during a reboot -------------------------------------------------

    /** Makes the HAL's allocations wait on {@code gate} once {@code armed} is set (the reboot's RAM). */
    private CountDownLatch blockAllocationsWhen(AtomicBoolean armed, CountDownLatch entered) {
        CountDownLatch gate = new CountDownLatch(1);
        hal.pagingHandler().beforeEachAllocation(() -> {
            if (armed.get()) {
                entered.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return gate;
    }

    @Test
    void aStopDuringARebootIsHonouredWhenTheRebuildEndsAndTheVmStaysStopped() throws InterruptedException {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = blockAllocationsWhen(armed, entered);
        try (AxVM<MockHal, ?> vm = build(1, new ScriptedBackend("x86_64", (n, id) -> List.of()))) {
            vm.boot();
            runner(vm, 0, HypercallHandler.NONE, true);
            armed.set(true);
            Thread rebooter = Thread.ofPlatform().start(vm::reboot);
            assertTrue(entered.await(5, TimeUnit.SECONDS), "the reboot is allocating RAM");
            assertEquals(VmStatus.REBOOTING, vm.status());
            vm.shutdown();
            gate.countDown();
            rebooter.join(5000);
            assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "stopped");
            Thread.sleep(50);
            assertEquals(VmStatus.STOPPED, vm.status(), "and not running again");
            assertEquals(StopCause.Kind.HOST_REQUEST, vm.stopCause().kind());
        }
    }

    @Test
    void aCloseDuringARebootWaitsForItAndReturnsEverything() throws InterruptedException {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = blockAllocationsWhen(armed, entered);
        AxVM<MockHal, ?> vm = build(1, new ScriptedBackend("x86_64", (n, id) -> List.of()));
        vm.boot();
        runner(vm, 0, HypercallHandler.NONE, true);
        armed.set(true);
        Thread rebooter = Thread.ofPlatform().start(vm::reboot);
        assertTrue(entered.await(5, TimeUnit.SECONDS), "the reboot is allocating RAM");
        Thread closer = Thread.ofPlatform().start(vm::close);
        Thread.sleep(50);
        assertEquals(VmStatus.REBOOTING, vm.status(), "the close waits for the reboot");
        gate.countDown();
        closer.join(5000);
        rebooter.join(5000);
        assertEquals(VmStatus.CLOSED, vm.status());
    }

    // ---- 5. a vCPU that will not leave the guest ----------------------------------------------

    @Test
    void aVcpuThatWillNotLeaveTheGuestNeitherHangsCloseNorLeaksOnceItLeaves() throws InterruptedException {
        ScriptedBackend backend = new ScriptedBackend("x86_64", (n, id) -> List.of());
        AxVM<MockHal, ?> vm = build(1, backend);
        ScriptedVCpu stuck = backend.vms().getFirst().vcpus().getFirst();
        stuck.stayInGuest();
        vm.boot();
        runner(vm, 0, HypercallHandler.NONE, false);
        Thread.sleep(20);
        assertTimeoutPreemptively(Duration.ofSeconds(5), vm::close, "close returns though the vCPU stays");
        assertTrue(hal.liveRamBlocks() > 0, "nothing released under the vCPU's feet");
        vm.close(); // idempotent: returns at once
        stuck.release();
        threads.getFirst().join(5000);
        assertEquals(VmStatus.CLOSED, vm.status(), "the last thread out released the VM");
        assertTrue(backend.vms().getFirst().isClosed());
    }

    // ---- 6. a console sink that stalls ----------------------------------------------------------

    @Test
    void aStalledConsoleNeverParksAVcpuInsideTheUart() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        SerialSink stalled = b -> {
            try {
                never.await(); // a terminal whose reader went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<ExitReason> script = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            script.add(out(0x3f8, 'x'));
        }
        script.add(new ExitReason.SystemDown(Reason.POWER_OFF));
        try (AxVM<MockHal, ?> vm = AxVM.builder(config(1).build(), hal)
                .backend(new ScriptedBackend("x86_64", (n, id) -> script)).image("kernel.bin", KERNEL)
                .consoleOutput(stalled).build()) {
            vm.boot();
            runner(vm, 0, HypercallHandler.NONE, false);
            assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "the guest printed and powered off");
            assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind());
        }
        never.countDown();
    }

    @Test
    void aConsoleThatKeepsUpGetsEveryByteInOrderBeforeCloseReturns() throws InterruptedException {
        CapturingSerialSink seen = new CapturingSerialSink();
        SerialSink slowButAlive = new SerialSink() {
            @Override
            public void transmit(byte b) {
                seen.transmit(b);
            }
        };
        List<ExitReason> script = new ArrayList<>();
        for (char c : "hello, world\n".toCharArray()) {
            script.add(out(0x3f8, c));
        }
        script.add(new ExitReason.SystemDown(Reason.POWER_OFF));
        try (AxVM<MockHal, ?> vm = AxVM.builder(config(1).build(), hal)
                .backend(new ScriptedBackend("x86_64", (n, id) -> script)).image("kernel.bin", KERNEL)
                .consoleOutput(slowButAlive).build()) {
            vm.boot();
            runner(vm, 0, HypercallHandler.NONE, false);
            assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS));
        }
        assertEquals("hello, world\n", seen.text());
    }

    // ---- 8. the unhandled-access count is read from other threads ------------------------------

    @Test
    void anotherThreadSeesTheUnhandledAccessCountGrow() throws InterruptedException {
        List<ExitReason> script = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            script.add(out(0x99, i)); // a port no device owns
        }
        ScriptedBackend backend = new ScriptedBackend("x86_64", (n, id) -> script);
        try (AxVM<MockHal, ?> vm = build(1, backend)) {
            vm.boot();
            // Warm the reader up so that it is compiled before the writer starts.
            long sink = 0;
            for (int i = 0; i < 200_000; i++) {
                sink += vm.unhandledAccesses();
            }
            assertEquals(0, sink);
            runner(vm, 0, HypercallHandler.NONE, false);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                while (vm.unhandledAccesses() < 50_000) {
                    Thread.onSpinWait();
                }
            }, "the count written by the vCPU thread reaches this thread");
            vm.shutdown();
        }
    }

    /**
     * The count is one vCPU thread's and any thread's to read, so it must be published: a plain
     * field may be read stale for ever by a loop the JIT compiled (the test above cannot force
     * that on every JVM, so this one keeps the field's declaration honest).
     */
    @Test
    void theUnhandledAccessCountIsPublishedToOtherThreads() throws NoSuchFieldException {
        Field count = dev.axvm.vm.internal.VmDeviceHandler.class.getDeclaredField("unhandled");
        assertTrue(Modifier.isVolatile(count.getModifiers()), "VmDeviceHandler.unhandled is volatile");
    }

    @Test
    void theCountsTheTestKitGivesAreReal() {
        FaultPlan plan = FaultPlan.counting();
        try (MockHal counted = new MockHal().withFaults(plan);
             AxVM<MockHal, ?> vm = AxVM.builder(config(1).build(), counted)
                     .backend(new ScriptedBackend("x86_64", (n, id) -> List.of()).withFaults(plan))
                     .image("kernel.bin", KERNEL).build()) {
            assertNotNull(vm);
            assertTrue(plan.log().contains("allocation") && plan.log().contains("createVm") && plan.log().contains("setup"),
                    plan.log().toString());
        }
    }
}
