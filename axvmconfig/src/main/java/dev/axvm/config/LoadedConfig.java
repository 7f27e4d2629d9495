package dev.axvm.config;

import java.util.List;
import java.util.Objects;

/**
 * A config that loaded, with what deserves the user's attention.
 *
 * @param config the validated config
 * @param warnings the warnings, in source order
 */
public record LoadedConfig(AxVMConfig config, List<ConfigWarning> warnings) {
    /** Checks presence and copies the list. */
    public LoadedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
    }
}
