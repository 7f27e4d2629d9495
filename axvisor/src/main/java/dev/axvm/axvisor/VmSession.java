package dev.axvm.axvisor;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfig;
import dev.axvm.device.uart.OutputStreamSerialSink;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.AxVMBuilder;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.RestoreMemory;
import dev.axvm.vm.SnapshotException;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One VM on this terminal, from build to exit status, for {@code run} (booted from its images) and
 * {@code restore} (built from a snapshot and resumed): the console, one platform thread per vCPU,
 * the panic watch, the marker clock, the snapshot trigger, timeouts and signals.
 */
final class VmSession {
    private static final int INTERRUPTED_STATUS = 130;
    private static final int TIMEOUT_STATUS = 124;

    private final ConsoleStreams console;
    private final RunOptions options;
    private final PrintWriter err;
    private final AtomicReference<String> panicLine = new AtomicReference<>();
    private final AtomicReference<String> snapshotResult = new AtomicReference<>();
    private final AtomicBoolean snapshotFailed = new AtomicBoolean();

    VmSession(ConsoleStreams console, RunOptions options, PrintWriter err) {
        this.console = console;
        this.options = options;
        this.err = err;
    }

    /**
     * Builds the VM of {@code config} (from the snapshot in {@code restoreFrom} when not null, its
     * memory brought back as {@code memory} says), runs it until it stops, and returns the exit status.
     */
    int run(AxVMConfig config, LinuxHostHal hal, Path restoreFrom, RestoreMemory memory) throws InterruptedException {
        SerialInputQueue input = new SerialInputQueue();
        AtomicReference<AxVM<?, ?>> running = new AtomicReference<>();
        List<ConsoleLines.Watcher> watchers = new ArrayList<>();
        watchers.add(new PanicWatch(line -> panicked(line, running.get())));
        MarkerClock clock = options.timeTo == null ? null : new MarkerClock(options.timeTo, System::nanoTime);
        if (clock != null) {
            watchers.add(clock);
        }
        if (options.snapshotOn != null) {
            watchers.add(new SnapshotTrigger(options.snapshotOn, () -> snapshotAndStop(running.get())));
        }
        AxVMBuilder<LinuxHostHal, ?> builder = AxVM.builder(config, hal)
                .consoleOutput(new ConsoleLines(new OutputStreamSerialSink(console.out(), "stdout"), watchers))
                .consoleInput(input).trackDirtyPages(options.diff);
        boolean builtIn = restoreFrom == null && BuiltInImages.handOver(config, builder);
        if (restoreFrom != null) {
            builder.restoreFrom(restoreFrom, memory);
        }
        long t0 = System.nanoTime();
        try (AxVM<LinuxHostHal, ?> vm = builder.build()) {
            running.set(vm);
            if (restoreFrom != null) {
                err.printf("axvisor: VM '%s' restored from %s in %.1f ms (memory: %s)%n", vm.name(), restoreFrom,
                        (System.nanoTime() - t0) / 1e6, memory == RestoreMemory.LAZY ? "mapped where the host can" : "copied");
            }
            if (builtIn) {
                err.println("note: image_location = \"memory\": the images were read from their paths at launch "
                        + "(AxVisor builds them into itself)");
            }
            for (String note : vm.notes()) {
                err.println("note: " + note);
            }
            boolean raw = !options.noInput && console.inIsTerminal();
            if (raw) {
                err.println("axvisor: VM '" + vm.name() + "' is on this terminal; Ctrl-] leaves");
            }
            err.flush();
            int status;
            try (RawMode terminal = raw ? RawMode.enter() : RawMode.NONE) {
                status = runVm(vm, input, terminal, clock, restoreFrom != null);
            }
            if (clock != null) {
                err.println(clock.elapsedNanos().isPresent()
                        ? String.format("axvisor: \"%s\" showed %.3f s after %s", options.timeTo,
                                clock.elapsedNanos().getAsLong() / 1e9, restoreFrom == null ? "boot" : "the resume")
                        : "axvisor: \"" + options.timeTo + "\" never showed");
                err.flush();
            }
            return status;
        }
    }

    private int runVm(AxVM<LinuxHostHal, ?> vm, SerialInputQueue input, RawMode terminal, MarkerClock clock, boolean restored)
            throws InterruptedException {
        Thread stdin = options.noInput ? null : TerminalInput.start(console.in(), input, "vm" + vm.id() + "-console",
                terminal.active() ? TerminalInput.CTRL_RIGHT_BRACKET : TerminalInput.NO_ESCAPE, () -> leave(vm));
        Thread onSignal = Thread.ofPlatform().unstarted(() -> {
            stopOnExit(vm);
            terminal.close(); // the main thread may never reach its own restore
        });
        Runtime.getRuntime().addShutdownHook(onSignal);
        if (clock != null) {
            clock.booted();
        }
        if (!restored) {
            vm.boot();
        }
        List<Thread> vcpus = new ArrayList<>();
        for (int i = 0; i < vm.vcpuCount(); i++) {
            vcpus.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), i))
                    .start(new VcpuRunner(vm, i, HypercallHandler.NONE, true)));
        }
        if (restored) {
            vm.resume();
        }
        boolean timedOut = !awaitStop(vm);
        for (Thread t : vcpus) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (stdin != null) {
            stdin.interrupt();
        }
        removeHook(onSignal);
        terminal.close(); // before the status lines, which a raw terminal would not start at column 0
        return status(vm, timedOut);
    }

    /** {@code --snapshot-on}: on the trigger's own thread, pause, write, and stop the VM. */
    private void snapshotAndStop(AxVM<?, ?> vm) {
        if (vm == null) {
            return;
        }
        Path file = options.snapshotTo;
        long t0 = System.nanoTime();
        try {
            vm.pause();
            long paused = System.nanoTime();
            long pages = options.diff ? vm.snapshotDiff(file) : vm.snapshot(file);
            long written = System.nanoTime();
            snapshotResult.set(String.format("%s of VM '%s' written to %s: %d pages of guest memory; paused in %.1f ms, "
                    + "written in %.1f ms", options.diff ? "diff snapshot" : "snapshot", vm.name(), file, pages,
                    (paused - t0) / 1e6, (written - paused) / 1e6));
            vm.stop(StopCause.hostRequest("its snapshot is written"));
        } catch (SnapshotException | IllegalStateException | UnsupportedOperationException e) {
            snapshotFailed.set(true);
            snapshotResult.set("snapshot to " + file + " failed: " + e.getMessage());
            vm.stop(StopCause.hostRequest("its snapshot failed"));
        }
    }

    /** Where each vCPU was when the VM was stopped from outside: what a user needs to find a hang. */
    private void describeVcpus(AxVM<?, ?> vm) {
        for (int i = 0; i < vm.vcpuCount(); i++) {
            try {
                String state = vm.vcpu(i).arch().describeState();
                if (!state.isEmpty()) {
                    err.println("axvisor: vCPU " + i + " stopped at " + state);
                }
            } catch (RuntimeException e) {
                err.println("axvisor: vCPU " + i + ": its state cannot be read (" + e.getMessage() + ")");
            }
        }
    }

    /** Ctrl-C: the JVM runs this before exiting; the VM stops cleanly before it does. */
    private static void stopOnExit(AxVM<?, ?> vm) {
        vm.shutdown();
        try {
            vm.awaitStopped(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitStop(AxVM<?, ?> vm) throws InterruptedException {
        if (options.timeoutSeconds > 0 && !vm.awaitStopped(options.timeoutSeconds, TimeUnit.SECONDS)) {
            vm.shutdown();
            vm.awaitStopped(10, TimeUnit.SECONDS);
            return false;
        }
        while (!vm.awaitStopped(1, TimeUnit.HOURS)) {
            // A VM may run for days; keep waiting.
        }
        return true;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C is in progress: the hook has run or is running, which is what stopped the VM.
        }
    }

    /** Ctrl-]: the user leaves; the VM stops as if the host asked. */
    private static void leave(AxVM<?, ?> vm) {
        vm.stop(StopCause.hostRequest("the user left the console (Ctrl-])"));
    }

    /** The console showed Linux's panic line (on the console's writer thread). */
    private void panicked(String line, AxVM<?, ?> vm) {
        panicLine.set(line);
        if (options.onPanic == RunOptions.OnPanic.stop && vm != null) {
            vm.stop(StopCause.guestPanic("the guest's kernel panicked: \"" + line + "\""));
        }
    }

    private int status(AxVM<?, ?> vm, boolean timedOut) {
        StopCause cause = vm.stopCause();
        String reboots = vm.generation() == 0 ? "" : " (after " + vm.generation() + " reboot"
                + (vm.generation() == 1 ? "" : "s") + ")";
        if (timedOut) {
            String panic = panicLine.get();
            err.println("axvisor: VM '" + vm.name() + "' stopped after the " + options.timeoutSeconds + " s timeout" + reboots
                    + (panic == null ? "" : "; its kernel had panicked: \"" + panic + "\""));
            describeVcpus(vm);
            err.flush();
            return TIMEOUT_STATUS;
        }
        String snapshot = snapshotResult.get();
        if (snapshot != null) {
            err.println("axvisor: " + snapshot);
            err.flush();
            return snapshotFailed.get() ? 1 : 0;
        }
        int status = switch (cause.kind()) {
            case POWER_OFF -> 0;
            case GUEST_EXIT -> cause.exitCode();
            case HOST_REQUEST -> INTERRUPTED_STATUS;
            case CRASH, RESET, UNHANDLED_ACCESS, GUEST_PANIC -> 1;
        };
        if (cause.kind() != StopCause.Kind.POWER_OFF && cause.kind() != StopCause.Kind.GUEST_EXIT) {
            err.println("axvisor: VM '" + vm.name() + "' stopped: " + cause.detail() + reboots);
            err.flush();
        }
        return status;
    }
}
