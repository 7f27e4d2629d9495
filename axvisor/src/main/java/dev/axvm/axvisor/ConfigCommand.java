package dev.axvm.axvisor;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.ConfigError;
import dev.axvm.config.ConfigException;
import dev.axvm.config.ConfigExtension;
import dev.axvm.config.ConfigWarning;
import dev.axvm.config.GuestArch;
import dev.axvm.config.LoadedConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code axvisor config}: work with VM config files; {@code config check FILE} validates one. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with AxVisor-style VM config files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code axvisor config check FILE}: on success one {@code ok:} line and a {@code warning:} line for each
     * thing a user-space KVM host will need changed, exit 0; otherwise {@code error:} lines on stderr, exit 1.
     */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a VM config file.",
                "Loads: prints 'ok: NAME (N vCPUs, M MiB RAM, K devices), arch A', 'warning: ...' lines, and a "
                    + "'note: ...' line for each AxVM extension key the file uses; exit 0.",
                "Does not load: prints 'error: FILE:LINE:COLUMN: FIELD: ...' lines on stderr; exit 1."})
    static final class Check implements Callable<Integer> {
        private static final long MIB = 1L << 20;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The VM config (TOML) to check.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LoadedConfig loaded;
            try {
                loaded = AxVMConfigs.load(file);
            } catch (ConfigException e) {
                for (ConfigError error : e.errors()) {
                    err.println("error: " + error.line());
                }
                for (ConfigWarning w : e.warnings()) {
                    err.println("warning: " + w.line());
                }
                err.flush();
                return 1;
            }
            out.println(summary(loaded.config()));
            for (ConfigWarning w : loaded.warnings()) {
                out.println("warning: " + w.line());
            }
            for (ConfigExtension e : ConfigExtension.usedBy(loaded.config())) {
                out.println("note: " + loaded.config().origin().locate(e.field()) + ": " + e.field()
                        + " is an AxVM extension (AxVisor has no such key): " + e.meaning());
            }
            out.flush();
            return 0;
        }

        static String summary(AxVMConfig c) {
            return "ok: " + oneLine(c.base().name()) + " (" + c.base().cpuNum() + " vCPUs, " + mib(c.kernel().memorySize())
                    + " MiB RAM, " + c.devices().deviceCount() + " devices), arch "
                    + c.base().arch().map(GuestArch::tomlName).orElse("host");
        }

        private static String mib(long bytes) {
            long whole = Long.divideUnsigned(bytes, MIB);
            long rest = Long.remainderUnsigned(bytes, MIB);
            if (rest == 0) {
                return Long.toUnsignedString(whole);
            }
            // Regions are whole pages, so a fraction is shown rather than rounded away.
            return String.format("%s.%02d", Long.toUnsignedString(whole), Math.max(1, rest * 100 / MIB));
        }

        /** A name from the file, its control characters escaped so that the summary stays one line. */
        private static String oneLine(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> {
                if (Character.isISOControl(cp)) {
                    sb.append(String.format("\\u%04x", cp));
                } else {
                    sb.appendCodePoint(cp);
                }
            });
            return sb.toString();
        }
    }
}
