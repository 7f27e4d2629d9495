package dev.axvm.bench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured figure, printed as {@code metric: value unit}.
 *
 * @param metric snake_case name
 * @param value the number
 * @param unit e.g. {@code ns/op}
 */
public record Figure(String metric, double value, String unit) {
    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_.-]+): ([-+0-9.eE]+) (\\S.*)$");

    /** Parses a line a C baseline printed; empty when the line is not a figure. */
    public static Optional<Figure> parse(String line) {
        Matcher m = LINE.matcher(line.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Figure(m.group(1), Double.parseDouble(m.group(2)), m.group(3)));
    }

    /** This figure in nanoseconds per operation, when its unit is a time per operation. */
    public double nanosPerOp() {
        return switch (unit) {
            case "ns/op" -> value;
            case "us/op" -> value * 1e3;
            case "ms/op" -> value * 1e6;
            case "s/op" -> value * 1e9;
            default -> throw new IllegalArgumentException(metric + " is in " + unit + ", not a time per operation");
        };
    }

    @Override
    public String toString() {
        double abs = Math.abs(value);
        String number = abs >= 100 ? String.format("%.1f", value) : abs >= 1 ? String.format("%.2f", value)
                : String.format("%.4f", value);
        return metric + ": " + number + " " + unit;
    }
}
