package dev.axvm.bench;

import java.util.List;
import java.util.Objects;

/**
 * One name {@code bin/bench} knows: which JMH benchmarks it runs and, optionally, which C
 * baseline from {@code native/bench} runs beside it in the same invocation.
 *
 * @param name the name given to {@code bin/bench}
 * @param description one line for the listing
 * @param jmhInclude a regular expression over benchmark class/method names
 * @param profileAllocation whether to report bytes allocated per operation (JMH's GC profiler)
 * @param cBaseline the C program's name under native/target/bench and its arguments; empty for none
 * @param ratioMetrics {@code javaMetric, cMetric} pairs, each quotient printed as a ratio: the last pair's as the
 *     closing {@code ratio:} line, any before it as {@code ratio_<javaMetric>:}; empty for none
 * @param probe instead of JMH, a measurement that is not a time per operation (memory, say); null for JMH
 */
public record BenchDefinition(String name, String description, String jmhInclude, boolean profileAllocation,
        List<String> cBaseline, List<String> ratioMetrics, FigureProbe probe) {

    /** A JMH benchmark set, optionally with a C baseline. */
    public BenchDefinition(String name, String description, String jmhInclude, boolean profileAllocation,
            List<String> cBaseline, List<String> ratioMetrics) {
        this(name, description, jmhInclude, profileAllocation, cBaseline, ratioMetrics, null);
    }

    /** A measurement that {@code probe} makes and reports itself. */
    public static BenchDefinition probe(String name, String description, FigureProbe probe) {
        return new BenchDefinition(name, description, "", false, List.of(), List.of(), Objects.requireNonNull(probe));
    }

    /** Checks the fields. */
    public BenchDefinition {
        Objects.requireNonNull(name);
        Objects.requireNonNull(jmhInclude);
        cBaseline = List.copyOf(cBaseline);
        ratioMetrics = List.copyOf(ratioMetrics);
        if (ratioMetrics.size() % 2 != 0) {
            throw new IllegalArgumentException(name + ": ratioMetrics is {javaMetric, cMetric} pairs");
        }
    }
}
