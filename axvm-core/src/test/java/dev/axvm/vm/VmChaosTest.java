package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.Port;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.device.DeviceAccessException;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.testing.Seeds;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vm.testkit.FaultPlan;
import dev.axvm.vm.testkit.ManualClock;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedArchVm;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Chaos on the scripted backend: in each round a VM with 1–3 vCPUs replays random exits (console
 * bytes, accesses nobody owns, accesses to a device that throws, hypercalls whose handler may
 * throw, halts, CpuUp at good and refused entries, CpuDown, IPIs, resets, power-offs, crashes,
 * entry failures) while a host thread fires random requests at it at the same time (pause,
 * resume, reboot, shutdown, interrupt injection, line changes, console input, close), and the HAL
 * may fail an allocation of a reboot. Whatever happened, every round ends with the invariants: the
 * VM reached STOPPED and then CLOSED, {@code awaitStopped} returned, every vCPU thread ended
 * without an uncaught exception, every RAM block and page-table frame went back to the HAL, every
 * hardware VM and vCPU was closed.
 *
 * <p>{@code -Daxvm.chaos.rounds=N} sets the number of rounds (default 100,000, about 80 s on 2 cores);
 * the seed rule replays a round ({@code -Daxvm.seed=N}).
 */
class VmChaosTest {
    private static final int ROUNDS = Integer.getInteger("axvm.chaos.rounds", 100_000);
    private static final byte[] KERNEL = {(byte) 0xf4};
    private static final long THROWING_DEVICE = 0xd000_0000L;
    private static final long REJECTED_ENTRY = 0x40_0000;

    /** An MMIO page that throws on every other access, as a buggy device would. */
    private static final class ThrowingDevice implements MmioDevice {
        private int accesses;

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public GuestPhysAddrRange addressRange() {
            return new GuestPhysAddrRange(THROWING_DEVICE, 0x1000);
        }

        @Override
        public synchronized long handleRead(long addr, AccessWidth width, DeviceContext context) {
            if (++accesses % 2 == 0) {
                throw new IllegalStateException("device bug");
            }
            return 7;
        }

        @Override
        public synchronized void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
            if (++accesses % 3 == 0) {
                throw new DeviceAccessException("refused");
            }
        }
    }

    private static ExitReason randomExit(SplittableRandom r, int cpus) {
        return switch (r.nextInt(20)) {
            case 0, 1, 2 -> new ExitReason.IoWrite(Port.of(0x3f8), AccessWidth.BYTE, 'a' + r.nextInt(26));
            case 3 -> new ExitReason.IoWrite(Port.of(0x99), AccessWidth.WORD, r.nextInt(1 << 16));
            case 4 -> new ExitReason.IoRead(Port.of(0x3fd), AccessWidth.BYTE);
            case 5 -> new ExitReason.MmioWrite(GuestPhysAddr.of(THROWING_DEVICE + 8), AccessWidth.DWORD, r.nextLong() >>> 32);
            case 6 -> new ExitReason.MmioRead(GuestPhysAddr.of(THROWING_DEVICE), AccessWidth.QWORD, 0, AccessWidth.QWORD, false);
            case 7 -> new ExitReason.MmioRead(GuestPhysAddr.of(0xe000_0000L), AccessWidth.BYTE, 0, AccessWidth.QWORD, false);
            case 8, 9 -> new ExitReason.Hypercall(r.nextInt(4), r.nextLong(), 0, 0, 0, 0, 0);
            case 10 -> ExitReason.Halt.INSTANCE;
            case 11 -> new ExitReason.CpuUp(r.nextInt(cpus + 1), GuestPhysAddr.of(r.nextBoolean() ? 0x9000 : REJECTED_ENTRY), r.nextLong());
            case 12 -> new ExitReason.CpuDown(0);
            case 13 -> new ExitReason.SendIpi(r.nextInt(cpus), 0, r.nextBoolean(), false, 0x20 + r.nextInt(200));
            case 14 -> new ExitReason.SystemDown(Reason.RESET);
            case 15 -> new ExitReason.SystemDown(r.nextInt(4) == 0 ? Reason.CRASH : Reason.POWER_OFF);
            case 16 -> r.nextInt(8) == 0 ? new ExitReason.FailEntry(r.nextInt(64)) : ExitReason.Nothing.INSTANCE;
            case 17 -> new ExitReason.NestedPageFault(GuestPhysAddr.of(0x1000), MappingFlags.READ);
            case 18 -> new ExitReason.ExternalInterrupt(0x30);
            default -> new ExitReason.IoWrite(Port.of(0x604), AccessWidth.WORD, 0x1234); // not the power-off value
        };
    }

    private static List<ExitReason> script(long seed, int hwVm, int vcpu, int cpus) {
        SplittableRandom r = new SplittableRandom(seed ^ (hwVm * 0x9E37_79B9L) ^ (vcpu * 0x85EB_CA6BL));
        int n = r.nextInt(40);
        List<ExitReason> exits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            exits.add(randomExit(r, cpus));
        }
        return exits;
    }

    /** The rounds provoke every warning and error the VM logs, thousands of times: they would drown the report. */
    @BeforeAll
    static void quiet() {
        vmLog().setLevel(Level.OFF);
    }

    @AfterAll
    static void loud() {
        vmLog().setLevel(null);
    }

    private static Logger vmLog() {
        return (Logger) LoggerFactory.getLogger("dev.axvm");
    }

    @Test
    void whateverTheGuestAndTheHostDoEveryRoundEndsStoppedClosedAndWithEverythingReturned() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool(Thread.ofPlatform().name("chaos-", 0).factory());
        long started = System.nanoTime();
        int reboots = 0;
        try (MockHal hal = new MockHal(32 << 20, new ManualClock(true))) {
            for (long seed : Seeds.forCases("VmChaosTest", ROUNDS)) {
                reboots += round(seed, hal, threads);
            }
        } finally {
            threads.shutdownNow();
        }
        System.out.printf("VmChaosTest: %d rounds, %d reboots, in %.1f s%n", ROUNDS, reboots,
                (System.nanoTime() - started) / 1e9);
    }

    private static int round(long seed, MockHal hal, ExecutorService threads) throws Exception {
        String why = Seeds.replay(seed);
        SplittableRandom r = new SplittableRandom(seed);
        int cpus = 1 + r.nextInt(3);
        boolean rebootOnReset = r.nextBoolean();
        FaultPlan faults = r.nextInt(10) == 0 ? new FaultPlan(20 + r.nextInt(40)) : FaultPlan.counting();
        hal.withFaults(faults);
        ScriptedBackend backend = new ScriptedBackend("x86_64", (hw, id) -> script(seed, hw, id, cpus))
                .rejectingEntry(REJECTED_ENTRY);
        AxVMConfig config = AxVMConfig.builder().name("chaos").id(1).cpuNum(cpus).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel("kernel.bin", 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 2 << 20, 0x7, MapType.MAP_ALLOC).build();
        SerialInputQueue input = new SerialInputQueue(64);
        ConcurrentLinkedQueue<Throwable> died = new ConcurrentLinkedQueue<>();
        AxVM<MockHal, ?> vm;
        try {
            vm = AxVM.builder(config, hal).backend(backend).image("kernel.bin", KERNEL).device(new ThrowingDevice())
                    .consoleInput(input).quiesceTimeout(Duration.ofSeconds(5)).build();
        } catch (VmBuildException e) {
            assertTrue(faults.fired(), why + ": the build failed without an injected fault: " + e);
            assertEquals(0, hal.liveRamBlocks(), why);
            hal.withFaults(FaultPlan.counting());
            return 0;
        }
        vm.boot();
        HypercallHandler flaky = (v, id, call) -> {
            if (call.nr() == 3) {
                throw new IllegalStateException("handler bug");
            }
            return call.arg0() + 1;
        };
        List<Future<?>> runners = new ArrayList<>();
        for (int i = 0; i < cpus; i++) {
            VcpuRunner runner = new VcpuRunner(vm, i, flaky, rebootOnReset);
            runners.add(threads.submit(() -> {
                try {
                    runner.run();
                } catch (Throwable t) {
                    died.add(t);
                }
            }));
        }
        Future<?> host = threads.submit(() -> {
            SplittableRandom h = new SplittableRandom(seed * 31 + 7);
            int actions = h.nextInt(12);
            for (int i = 0; i < actions; i++) {
                try {
                    switch (h.nextInt(9)) {
                        case 0 -> vm.pause();
                        case 1 -> vm.resume();
                        case 2 -> vm.reboot();
                        case 3 -> vm.injectInterrupt(h.nextInt(cpus), 0x20 + h.nextInt(200));
                        case 4 -> vm.setIrqLine(h.nextInt(24), h.nextBoolean());
                        case 5 -> input.offer(new byte[] {'x', '\n'}, 0, 2);
                        case 6 -> vm.notifyVcpu(h.nextInt(cpus));
                        case 7 -> {
                            if (h.nextInt(6) == 0) {
                                vm.shutdown();
                            }
                        }
                        default -> {
                            if (h.nextInt(10) == 0) {
                                vm.close();
                            }
                        }
                    }
                } catch (Throwable t) {
                    died.add(t);
                }
                for (int spin = h.nextInt(2000); spin > 0; spin--) {
                    Thread.onSpinWait();
                }
            }
        });
        host.get(30, TimeUnit.SECONDS);
        vm.resume(); // a VM the host left paused would not run its guest to the end
        if (!vm.awaitStopped(r.nextInt(3), TimeUnit.MILLISECONDS)) {
            vm.shutdown();
        }
        if (!vm.awaitStopped(10, TimeUnit.SECONDS)) {
            fail(why + ": awaitStopped did not return; status " + vm.status());
        }
        for (Future<?> f : runners) {
            f.get(10, TimeUnit.SECONDS);
        }
        vm.close();
        assertEquals(VmStatus.CLOSED, vm.status(), why);
        assertTrue(died.isEmpty(), why + ": a thread died or a host call threw: " + died.peek());
        assertEquals(0, hal.liveRamBlocks(), why + ": RAM returned");
        assertEquals(0, hal.pagingHandler().liveFrames(), why + ": page-table frames returned");
        for (ScriptedArchVm hw : backend.vms()) {
            assertTrue(hw.isClosed(), why + ": hardware VM closed");
            for (ScriptedVCpu v : hw.vcpus()) {
                assertTrue(v.isClosed(), why + ": vCPU closed");
            }
        }
        hal.withFaults(FaultPlan.counting());
        return backend.vms().size() - 1;
    }
}
