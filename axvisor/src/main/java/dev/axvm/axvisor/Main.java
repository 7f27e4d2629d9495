package dev.axvm.axvisor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code axvisor} command: runs and checks VMs described by AxVisor-style TOML files. */
@Command(name = "axvisor", mixinStandardHelpOptions = true, version = "axvisor 0.1.0 (AxVM for Java)",
        description = "Run virtual machines from AxVisor-style TOML configs on Linux KVM.",
        subcommands = {KvmInfoCommand.class, ConfigCommand.class})
public final class Main implements Runnable {

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
            description = "Log level on stderr: error, warn, info, debug, trace (default: ${DEFAULT-VALUE}).")
    void logLevel(String level) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.WARN));
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests and embedders that want the same parsing. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("axvisor: " + e.getMessage());
            return 2;
        });
        return cl;
    }
}
