package dev.axvm.config;

import dev.axvm.config.internal.ImageCheck;
import dev.axvm.config.internal.SourceText;
import dev.axvm.config.internal.TomlConfigReader;
import dev.axvm.config.internal.TomlConfigWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reading and writing AxVisor VM config files. Every failure is a {@link ConfigException} whose
 * lines each name the file, line, column and field; nothing else is thrown for bad input.
 */
public final class AxVMConfigs {
    private AxVMConfigs() {}

    /**
     * Reads the config in {@code file}; image paths in it are resolved against the file's directory.
     *
     * @throws ConfigException when the file cannot be read or the config is wrong
     */
    public static LoadedConfig load(Path file) {
        String source = file.toString();
        String text = SourceText.read(file, source);
        return finish(TomlConfigReader.read(text, source, Optional.of(file)));
    }

    /**
     * Reads a config from {@code toml}, named {@code sourceName} in messages; relative image paths are
     * resolved against the working directory.
     *
     * @throws ConfigException when the config is wrong
     */
    public static LoadedConfig parse(String toml, String sourceName) {
        return finish(TomlConfigReader.read(SourceText.text(toml, sourceName), sourceName, Optional.empty()));
    }

    /**
     * Reads a config from raw bytes (UTF-8, as TOML requires), named {@code sourceName} in messages.
     *
     * @throws ConfigException when the bytes are not UTF-8 or the config is wrong
     */
    public static LoadedConfig parse(byte[] toml, String sourceName) {
        return finish(TomlConfigReader.read(SourceText.decode(toml, sourceName), sourceName, Optional.empty()));
    }

    /**
     * The warnings for a config made in code (or re-checked later): its images, checked against the
     * files as they are now, and its {@link AxVMConfig#hostLimitations() host limitations}.
     *
     * @throws ConfigException when an image that exists does not fit
     */
    public static List<ConfigWarning> check(AxVMConfig config) {
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigWarning> warnings = new ArrayList<>(config.hostLimitations());
        ImageCheck.check(config, errors, warnings);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors, warnings);
        }
        return sorted(warnings);
    }

    /**
     * {@code config} as TOML that {@link #parse(String, String)} reads back to equal records.
     *
     * @throws IllegalArgumentException when a number is above 0x7fff_ffff_ffff_ffff, which configs made in
     *     code may hold (an affinity mask for CPU 63, say) but TOML's signed integers cannot
     */
    public static String toToml(AxVMConfig config) {
        return TomlConfigWriter.write(config);
    }

    private static LoadedConfig finish(LoadedConfig read) {
        List<ConfigWarning> warnings = new ArrayList<>(read.warnings());
        try {
            warnings.addAll(check(read.config()));
        } catch (ConfigException e) {
            throw e.withWarnings(warnings);
        }
        return new LoadedConfig(read.config(), sorted(warnings));
    }

    private static List<ConfigWarning> sorted(List<ConfigWarning> warnings) {
        return warnings.stream().sorted(Comparator.comparing(ConfigWarning::location)).toList();
    }
}
