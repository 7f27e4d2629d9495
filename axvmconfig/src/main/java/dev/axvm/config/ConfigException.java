package dev.axvm.config;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A config that cannot be used. The message is one line per mistake, each
 * {@code file:line:column: field: what is wrong (what was expected)}, in source order; the
 * warnings found on the way (unknown keys with suggestions, for instance) come along.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Immutable lists; transient because the records are not serializable and this never crosses a wire. */
    private final transient List<ConfigError> errors;
    private final transient List<ConfigWarning> warnings;

    /** An exception for {@code errors} (at least one), with no warnings. */
    public ConfigException(List<ConfigError> errors) {
        this(errors, List.of());
    }

    /** An exception for {@code errors} (at least one) and the {@code warnings} found with them. */
    public ConfigException(List<ConfigError> errors, List<ConfigWarning> warnings) {
        super(render(errors), null, false, false);
        this.errors = sorted(errors, ConfigError::location);
        this.warnings = sorted(warnings, ConfigWarning::location);
    }

    /** An exception for one mistake. */
    public static ConfigException of(ConfigLocation location, String field, String problem, String expected) {
        return new ConfigException(List.of(new ConfigError(location, field, problem, expected)));
    }

    /** The mistakes, in source order. */
    public List<ConfigError> errors() {
        return errors;
    }

    /** The warnings found along with the mistakes, in source order. */
    public List<ConfigWarning> warnings() {
        return warnings;
    }

    /** This exception with {@code more} warnings added. */
    public ConfigException withWarnings(List<ConfigWarning> more) {
        if (more.isEmpty()) {
            return this;
        }
        return new ConfigException(errors, Stream.concat(warnings.stream(), more.stream()).toList());
    }

    private static String render(List<ConfigError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        return sorted(errors, ConfigError::location).stream().map(ConfigError::line).collect(Collectors.joining("\n"));
    }

    private static <T> List<T> sorted(List<T> items, Function<T, ConfigLocation> where) {
        return items.stream().sorted(Comparator.comparing(where)).toList();
    }
}
