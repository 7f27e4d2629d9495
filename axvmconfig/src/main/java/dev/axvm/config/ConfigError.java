package dev.axvm.config;

import java.util.Objects;

/**
 * One mistake in a config, printed as one line:
 * {@code file:line:column: field: what is wrong (what was expected)}.
 *
 * @param location where the mistake is
 * @param field the field, as a TOML path ({@code base.cpu_num}, {@code kernel.memory_regions[1].size})
 * @param problem what is wrong
 * @param expected what was expected instead
 */
public record ConfigError(ConfigLocation location, String field, String problem, String expected) {
    /** Checks the parts. */
    public ConfigError {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(expected, "expected");
    }

    /** The one-line form. */
    public String line() {
        return location + ": " + field + ": " + problem + " (expected " + expected + ")";
    }

    @Override
    public String toString() {
        return line();
    }
}
