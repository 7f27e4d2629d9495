package dev.axvm.axvisor;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.LoadedConfig;
import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.vm.VmBuildException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
            "Exit status: 0 when the guest powers off (or --snapshot-on wrote its snapshot), the value it writes to its "
                + "debug-exit port, 1 when it crashes, panics or cannot be built, 124 after --timeout, 130 after Ctrl-] "
                + "or a signal."})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "VM.toml", description = "The VM's config (AxVisor format; see axvmconfig/README.md).")
    Path config;

    @Mixin
    RunOptions options;

    @Spec
    CommandSpec spec;

    private final ConsoleStreams console;

    RunCommand(ConsoleStreams console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (!options.check(err)) {
            return 1;
        }
        Optional<LoadedConfig> loaded = ConfigFile.load(config, err);
        if (loaded.isEmpty()) {
            return 1;
        }
        try (LinuxHostHal hal = new LinuxHostHal()) {
            return new VmSession(console, options, err).run(loaded.get().config(), hal, null, null);
        } catch (VmBuildException | HypervisorUnavailableException e) {
            err.println("axvisor: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
