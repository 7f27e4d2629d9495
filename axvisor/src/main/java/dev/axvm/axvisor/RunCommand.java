package dev.axvm.axvisor;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.LoadedConfig;
import dev.axvm.device.uart.OutputStreamSerialSink;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import dev.axvm.vm.VmBuildException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code axvisor run <vm.toml>}: builds the VM, runs one platform thread per vCPU, puts the guest's
 * console on the terminal, and exits with the guest's status.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the VM described by a config until it powers off.",
            "The guest's console (COM1 on x86_64, the PL011 on aarch64, the 16550 on riscv64) is this terminal: "
                + "on a terminal it is put in raw mode (keys, Ctrl-C included, go to the guest) and Ctrl-] leaves; "
                + "piped input is passed on as it comes.",
            "A guest reset reboots the VM. A Linux guest whose console shows 'Kernel panic - not syncing' is stopped "
                + "(see --on-panic).",
            "Exit status: 0 when the guest powers off, the value it writes to its debug-exit port, "
                + "1 when it crashes, panics or cannot be built, 124 after --timeout, 130 after Ctrl-] or a signal."})
final class RunCommand implements Callable<Integer> {
    private static final int INTERRUPTED_STATUS = 130;
    private static final int TIMEOUT_STATUS = 124;

    /** What a guest kernel panic does to the VM. */
    enum OnPanic {
        /** Stop the VM and exit 1 (the default: a panicking guest that reboots itself would loop until --timeout). */
        stop,
        /** Let the guest go on: it reboots (panic=N) or hangs (panic=0) as its command line says. */
        ignore
    }

    @Parameters(paramLabel = "VM.toml", description = "The VM's config (AxVisor format; see axvmconfig/README.md).")
    Path config;

    @Option(names = "--no-input", description = "Do not connect the terminal's input to the guest.")
    boolean noInput;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the VM after this many seconds (exit 124).")
    long timeoutSeconds;

    @Option(names = "--on-panic", paramLabel = "ACTION", defaultValue = "stop",
            description = "When the guest's console shows Linux's panic line: stop (exit 1; the default) or ignore "
                    + "(the guest reboots or hangs as its panic= argument says; --timeout bounds it).")
    OnPanic onPanic;

    @Option(names = "--time-to", paramLabel = "TEXT",
            description = "Print on stderr how long after boot TEXT first showed on the guest's console "
                    + "(e.g. a marker its init prints).")
    String timeTo;

    @Spec
    CommandSpec spec;

    private final ConsoleStreams console;
    private final AtomicReference<String> panicLine = new AtomicReference<>();
    private final AtomicBoolean escaped = new AtomicBoolean();

    RunCommand(ConsoleStreams console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<LoadedConfig> loaded = ConfigFile.load(config, err);
        if (loaded.isEmpty()) {
            return 1;
        }
        try (LinuxHostHal hal = new LinuxHostHal()) {
            return run(loaded.get(), hal, err);
        } catch (VmBuildException | HypervisorUnavailableException e) {
            err.println("axvisor: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int run(LoadedConfig loaded, LinuxHostHal hal, PrintWriter err) throws InterruptedException {
        SerialInputQueue input = new SerialInputQueue();
        AtomicReference<AxVM<?, ?>> running = new AtomicReference<>();
        List<ConsoleLines.Watcher> watchers = new ArrayList<>();
        watchers.add(new PanicWatch(line -> panicked(line, running.get())));
        MarkerClock clock = timeTo == null ? null : new MarkerClock(timeTo, System::nanoTime);
        if (clock != null) {
            watchers.add(clock);
        }
        var builder = AxVM.builder(loaded.config(), hal)
                .consoleOutput(new ConsoleLines(new OutputStreamSerialSink(console.out(), "stdout"), watchers))
                .consoleInput(input);
        boolean builtIn = BuiltInImages.handOver(loaded.config(), builder);
        try (AxVM<LinuxHostHal, ?> vm = builder.build()) {
            running.set(vm);
            if (builtIn) {
                err.println("note: image_location = \"memory\": the images were read from their paths at launch "
                        + "(AxVisor builds them into itself)");
            }
            for (String note : vm.notes()) {
                err.println("note: " + note);
            }
            boolean raw = !noInput && console.inIsTerminal();
            if (raw) {
                err.println("axvisor: VM '" + vm.name() + "' is on this terminal; Ctrl-] leaves");
            }
            err.flush();
            int status;
            try (RawMode terminal = raw ? RawMode.enter() : RawMode.NONE) {
                status = runVm(vm, input, terminal, clock, err);
            }
            if (clock != null) {
                err.println(clock.elapsedNanos().isPresent()
                        ? String.format("axvisor: \"%s\" showed %.3f s after boot", timeTo, clock.elapsedNanos().getAsLong() / 1e9)
                        : "axvisor: \"" + timeTo + "\" never showed");
                err.flush();
            }
            return status;
        }
    }

    private int runVm(AxVM<LinuxHostHal, ?> vm, SerialInputQueue input, RawMode terminal, MarkerClock clock,
            PrintWriter err) throws InterruptedException {
        Thread stdin = noInput ? null : TerminalInput.start(console.in(), input, "vm" + vm.id() + "-console",
                terminal.active() ? TerminalInput.CTRL_RIGHT_BRACKET : TerminalInput.NO_ESCAPE, () -> leave(vm));
        Thread onSignal = Thread.ofPlatform().unstarted(() -> {
            stopOnExit(vm);
            terminal.close(); // the main thread may never reach its own restore
        });
        Runtime.getRuntime().addShutdownHook(onSignal);
        if (clock != null) {
            clock.booted();
        }
        vm.boot();
        List<Thread> vcpus = new ArrayList<>();
        for (int i = 0; i < vm.vcpuCount(); i++) {
            vcpus.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), i))
                    .start(new VcpuRunner(vm, i, HypercallHandler.NONE, true)));
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
        return status(vm, timedOut, err);
    }

    /** Where each vCPU was when the VM was stopped from outside: what a user needs to find a hang. */
    private static void describeVcpus(AxVM<?, ?> vm, PrintWriter err) {
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
        if (timeoutSeconds > 0 && !vm.awaitStopped(timeoutSeconds, TimeUnit.SECONDS)) {
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
    private void leave(AxVM<?, ?> vm) {
        escaped.set(true);
        vm.stop(StopCause.hostRequest("the user left the console (Ctrl-])"));
    }

    /** The console showed Linux's panic line (on the console's writer thread). */
    private void panicked(String line, AxVM<?, ?> vm) {
        panicLine.set(line);
        if (onPanic == OnPanic.stop && vm != null) {
            vm.stop(StopCause.guestPanic("the guest's kernel panicked: \"" + line + "\""));
        }
    }

    private int status(AxVM<?, ?> vm, boolean timedOut, PrintWriter err) {
        StopCause cause = vm.stopCause();
        String reboots = vm.generation() == 0 ? "" : " (after " + vm.generation() + " reboot"
                + (vm.generation() == 1 ? "" : "s") + ")";
        if (timedOut) {
            String panic = panicLine.get();
            err.println("axvisor: VM '" + vm.name() + "' stopped after the " + timeoutSeconds + " s timeout" + reboots
                    + (panic == null ? "" : "; its kernel had panicked: \"" + panic + "\""));
            describeVcpus(vm, err);
            err.flush();
            return TIMEOUT_STATUS;
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
