package dev.axvm.axvisor.selftest;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.config.UnhandledAccess;
import dev.axvm.config.X86EntryMode;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import dev.axvm.vm.VmStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario guest end to end the way an embedder would: a config built in code, the VM
 * from {@code AxVM.builder(config, hal)} with the image, the console sink and the test device,
 * {@code boot()}, one platform thread per vCPU running a {@link VcpuRunner} with the scenario's
 * hypercall handler, then the wait for the stop, the threads joined and the VM closed.
 */
final class ScenarioVm {
    /** Console bytes kept per run: a guest printing without end cannot exhaust the host. */
    private static final int CONSOLE_CAPACITY = 64 * 1024;
    /** How long a VM stopped by the host gets to wind down, and each vCPU thread to end. */
    private static final long WIND_DOWN_SECONDS = 10;
    private static final int RAM_FLAGS = 0x7; // read, write, execute

    private ScenarioVm() {}

    /** The VM {@code scenario} runs in on {@code machine}: its RAM, image, vCPUs, and interrupt controller. */
    static AxVMConfig config(Scenario scenario, ScenarioMachine machine, int id) {
        String image = "scenario-" + scenario.name();
        AxVMConfigBuilder b = AxVMConfig.builder().name(image).id(id).cpuNum(scenario.vcpus()).arch(machine.arch())
                .entryPoint(machine.loadAddress()).kernel(image, machine.loadAddress()).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(machine.ramBase(), ScenarioMachine.RAM_SIZE, RAM_FLAGS, MapType.MAP_ALLOC)
                .interruptMode(scenario.needsInterruptController() ? InterruptMode.EMULATED : InterruptMode.NO_IRQ)
                // A stray access is a guest bug: stop at once and say where, rather than read all-ones.
                .unhandledAccess(UnhandledAccess.STOP);
        if (machine == ScenarioMachine.X86_64) {
            b.entryMode(X86EntryMode.LONG);
        }
        return b.build();
    }

    /**
     * Builds, boots and runs the VM of {@code scenario} until it stops, or until {@code limit}
     * passes (then the host stops it), and reports what happened. The VM is closed on return.
     *
     * @throws dev.axvm.vm.VmBuildException when the VM cannot be built
     */
    static GuestRun run(Scenario scenario, ScenarioMachine machine, HostKernel kernel, LinuxHostHal hal, byte[] image,
            Duration limit, int id) throws InterruptedException {
        CapturingSerialSink console = new CapturingSerialSink(CONSOLE_CAPACITY);
        VmInterruptSink lines = new VmInterruptSink();
        ScenarioDevice device = new ScenarioDevice("scenario-device", machine.deviceBase(), machine.irqLine(), lines);
        scenario.prepare(device, machine);
        ScenarioHypercalls hypercalls = new ScenarioHypercalls();
        AxVMConfig config = config(scenario, machine, id);

        boolean inTime;
        boolean fromBoot;
        StopCause cause;
        VmStatus status;
        long unhandled;
        int generation;
        List<String> stillRunning = new ArrayList<>();
        Queue<String> threadFailures = new ConcurrentLinkedQueue<>();
        try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).image(config.base().name(), image).consoleOutput(console)
                .device(device).build()) {
            lines.attach(vm);
            vm.boot();
            fromBoot = vm.vcpuCount() > 1 && vm.isStarted(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < vm.vcpuCount(); i++) {
                VcpuRunner runner = new VcpuRunner(vm, i, hypercalls, scenario.rebootOnReset());
                // Daemon threads: a vCPU stuck in the kernel must not keep the JVM alive after the verdict.
                threads.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), i)).daemon()
                        .uncaughtExceptionHandler((t, e) -> threadFailures.add(t.getName() + " died with " + e))
                        .start(runner));
            }
            inTime = vm.awaitStopped(limit.toNanos(), TimeUnit.NANOSECONDS);
            if (!inTime) {
                vm.shutdown();
                vm.awaitStopped(WIND_DOWN_SECONDS, TimeUnit.SECONDS);
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(WIND_DOWN_SECONDS));
                if (t.isAlive()) {
                    stillRunning.add(t.getName());
                }
            }
            cause = vm.stopCause();
            status = vm.status();
            unhandled = vm.unhandledAccesses();
            generation = vm.generation();
        }
        return new GuestRun(machine, kernel, limit, inTime, cause == null ? StopCause.crash("no stop cause recorded") : cause,
                status, console.text(), device.events(), device.dropped(), hypercalls.calls(), fromBoot, stillRunning,
                List.copyOf(threadFailures), unhandled, hal.liveFrames(), device.accesses(), hypercalls.count(),
                device.failureBeyondTheLog(), device.scratch(), generation);
    }
}
