package dev.axvm.axvisor;

import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.ConfigException;
import dev.axvm.config.ConfigWarning;
import dev.axvm.config.LoadedConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** A config file as the commands that build its VM read it: errors and warnings on stderr. */
final class ConfigFile {
    private ConfigFile() {}

    /** The loaded config, or empty after its {@code error:} lines went to {@code err}. */
    static Optional<LoadedConfig> load(Path file, PrintWriter err) {
        try {
            LoadedConfig loaded = AxVMConfigs.load(file);
            for (ConfigWarning w : loaded.warnings()) {
                err.println("warning: " + w.line());
            }
            return Optional.of(loaded);
        } catch (ConfigException e) {
            e.getMessage().lines().forEach(line -> err.println("error: " + line));
            return Optional.empty();
        } finally {
            err.flush();
        }
    }
}
