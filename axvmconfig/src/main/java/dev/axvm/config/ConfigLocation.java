package dev.axvm.config;

import java.util.Objects;

/**
 * Where something was written: a source (a file's path as given, or a name such as {@code <builder>}
 * for configs built in code) and, when known, a 1-based line and column.
 *
 * @param source the file or source name
 * @param line the 1-based line, or 0 when unknown
 * @param column the 1-based column, or 0 when unknown
 */
public record ConfigLocation(String source, int line, int column) implements Comparable<ConfigLocation> {
    /** Checks the parts. */
    public ConfigLocation {
        Objects.requireNonNull(source, "source");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative: " + line + ":" + column);
        }
    }

    /** A location without a position in the source. */
    public static ConfigLocation of(String source) {
        return new ConfigLocation(source, 0, 0);
    }

    /** Whether a line is known. */
    public boolean hasPosition() {
        return line > 0;
    }

    /** Sorts by line, then column; unknown positions first. */
    @Override
    public int compareTo(ConfigLocation o) {
        int c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    /** {@code source:line:column}, or just {@code source} when the position is unknown. */
    @Override
    public String toString() {
        return hasPosition() ? source + ":" + line + ":" + column : source;
    }
}
