package dev.axvm.axvisor;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.ConfigException;
import dev.axvm.config.ConfigWarning;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
            "The guest's console (COM1 on x86_64, the PL011 on aarch64, the 16550 on riscv64) is this terminal.",
            "Exit status: 0 when the guest powers off, the value it writes to its debug-exit port, "
                + "1 when it crashes or cannot be built, 130 after Ctrl-C."})
final class RunCommand implements Callable<Integer> {
    private static final int INTERRUPTED_STATUS = 130;

    @Parameters(paramLabel = "VM.toml", description = "The VM's config (AxVisor format; see axvmconfig/README.md).")
    Path config;

    @Option(names = "--no-input", description = "Do not connect the terminal's input to the guest.")
    boolean noInput;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the VM after this many seconds (exit 124).")
    long timeoutSeconds;

    @Spec
    CommandSpec spec;

    private final ConsoleStreams console;

    RunCommand(ConsoleStreams console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        LoadedConfig loaded;
        try {
            loaded = AxVMConfigs.load(config);
        } catch (ConfigException e) {
            e.getMessage().lines().forEach(line -> err.println("error: " + line));
            err.flush();
            return 1;
        }
        for (ConfigWarning w : loaded.warnings()) {
            err.println("warning: " + w.line());
        }
        err.flush();
        try (LinuxHostHal hal = new LinuxHostHal()) {
            return run(loaded, hal, err);
        } catch (VmBuildException | HypervisorUnavailableException e) {
            err.println("axvisor: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int run(LoadedConfig loaded, LinuxHostHal hal, PrintWriter err) throws InterruptedException {
        SerialInputQueue input = new SerialInputQueue();
        try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(loaded.config(), hal)
                .consoleOutput(new OutputStreamSerialSink(console.out(), "stdout"))
                .consoleInput(input).build()) {
            for (String note : vm.notes()) {
                err.println("note: " + note);
            }
            err.flush();
            Thread stdin = noInput ? null : TerminalInput.start(console.in(), input, "vm" + vm.id() + "-console");
            Thread onCtrlC = Thread.ofPlatform().unstarted(() -> stopOnExit(vm));
            Runtime.getRuntime().addShutdownHook(onCtrlC);
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
            removeHook(onCtrlC);
            return status(vm, timedOut, err);
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

    private int status(AxVM<?, ?> vm, boolean timedOut, PrintWriter err) {
        StopCause cause = vm.stopCause();
        if (timedOut) {
            err.println("axvisor: VM '" + vm.name() + "' stopped after the " + timeoutSeconds + " s timeout");
            err.flush();
            return 124;
        }
        int status = switch (cause.kind()) {
            case POWER_OFF -> 0;
            case GUEST_EXIT -> cause.exitCode();
            case HOST_REQUEST -> INTERRUPTED_STATUS;
            case CRASH, RESET, UNHANDLED_ACCESS -> 1;
        };
        if (cause.kind() != StopCause.Kind.POWER_OFF && cause.kind() != StopCause.Kind.GUEST_EXIT) {
            err.println("axvisor: VM '" + vm.name() + "' stopped: " + cause.detail());
            err.flush();
        }
        return status;
    }
}
