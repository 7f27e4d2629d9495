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
        subcommands = {RunCommand.class, RestoreCommand.class, DtbCommand.class, AcpiCommand.class, ConfigCommand.class,
            KvmInfoCommand.class,
            SelftestCommand.class})
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

    /** The command line on the process's terminal. */
    public static CommandLine commandLine() {
        return commandLine(ConsoleStreams.system());
    }

    /** The command line with the VM console on {@code console}, for tests and embedders. */
    public static CommandLine commandLine(ConsoleStreams console) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cl = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == RunCommand.class) {
                    return cls.cast(new RunCommand(console));
                }
                if (cls == RestoreCommand.class) {
                    return cls.cast(new RestoreCommand(console));
                }
                return cls == DtbCommand.class ? cls.cast(new DtbCommand(console)) : defaults.create(cls);
            }
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("axvisor: " + e.getMessage());
            return 2;
        });
        return cl;
    }
}
