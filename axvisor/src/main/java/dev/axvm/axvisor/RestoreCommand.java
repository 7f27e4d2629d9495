package dev.axvm.axvisor;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.ConfigException;
import dev.axvm.config.LoadedConfig;
import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.RestoreMemory;
import dev.axvm.vm.SnapshotException;
import dev.axvm.vm.VmBuildException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code axvisor restore <snapshot>}: builds the VM again from a snapshot ({@code run --snapshot-on}),
 * resumes it where it was, and runs it as {@code run} does.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Bring back a VM from its snapshot (written by run --snapshot-on) and run it until it powers off.",
            "The config is the one the snapshot carries, unless --config names the file it was taken of. The console, "
                + "options and exit status are run's."})
final class RestoreCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SNAPSHOT", description = "The snapshot file.")
    Path snapshot;

    @Option(names = "--config", paramLabel = "VM.toml",
            description = "The config the snapshot was taken of (its image paths serve a later reboot); default: the "
                    + "copy in the snapshot, whose relative paths resolve against the working directory.")
    Path config;

    @Option(names = "--copy-memory",
            description = "Copy guest memory out of the snapshot (checking its checksums) instead of mapping it "
                    + "copy-on-write; the snapshot file is then free to go while the VM runs.")
    boolean copyMemory;

    @Mixin
    RunOptions options;

    @Spec
    CommandSpec spec;

    private final ConsoleStreams console;

    RestoreCommand(ConsoleStreams console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (!options.check(err)) {
            return 1;
        }
        try {
            Optional<LoadedConfig> loaded = config != null ? ConfigFile.load(config, err)
                    : Optional.of(AxVMConfigs.parse(AxVM.snapshotConfig(snapshot), snapshot + " (its config)"));
            if (loaded.isEmpty()) {
                return 1;
            }
            try (LinuxHostHal hal = new LinuxHostHal()) {
                return new VmSession(console, options, err).run(loaded.get().config(), hal, snapshot,
                        copyMemory ? RestoreMemory.COPY : RestoreMemory.LAZY);
            }
        } catch (SnapshotException | ConfigException | VmBuildException | HypervisorUnavailableException e) {
            err.println("axvisor: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
