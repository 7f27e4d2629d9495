package dev.axvm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bin/bench [NAME]}: runs one named benchmark set and prints one {@code metric: value unit}
 * line per figure on stdout (JMH's own progress goes to stderr), the C baseline's figures when it
 * has one, and last {@code ratio: x.xx} (Java / C).
 */
public final class BenchMain {
    private BenchMain() {}

    /** Every benchmark set, in listing order. */
    static List<BenchDefinition> definitions() {
        return Benches.ALL;
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.out.println("benchmarks (bin/bench NAME):");
            for (BenchDefinition d : definitions()) {
                System.out.printf("  %-14s %s%n", d.name(), d.description());
            }
            return;
        }
        BenchDefinition def = definitions().stream().filter(d -> d.name().equals(args[0])).findFirst().orElse(null);
        if (def == null) {
            System.err.println("bench: no benchmark named '" + args[0] + "'; run bin/bench for the list");
            System.exit(2);
            return;
        }
        List<Figure> java = def.probe() != null ? def.probe().measure() : runJmh(def);
        java.forEach(System.out::println);
        if (!def.cBaseline().isEmpty()) {
            List<Figure> c = runC(def.cBaseline());
            c.forEach(System.out::println);
            List<String> pairs = def.ratioMetrics();
            for (int i = 0; i < pairs.size(); i += 2) {
                Figure j = find(java, pairs.get(i));
                Figure n = find(c, pairs.get(i + 1));
                String label = i + 2 == pairs.size() ? "ratio" : "ratio_" + pairs.get(i);
                System.out.printf("%s: %.2f%n", label, j.nanosPerOp() / n.nanosPerOp());
            }
        }
    }

    private static Figure find(List<Figure> figures, String metric) {
        return figures.stream().filter(f -> f.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no figure named " + metric + " in " + figures));
    }

    private static List<Figure> runJmh(BenchDefinition def) throws RunnerException {
        int iterations = Integer.getInteger("axvm.bench.iterations", 5);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(def.jmhInclude())
                .forks(1)
                .warmupIterations(Integer.getInteger("axvm.bench.warmups", 3))
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(Integer.getInteger("axvm.bench.seconds", 2)))
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC");
        if (def.profileAllocation()) {
            options.addProfiler(GCProfiler.class);
        }
        // JMH's own report goes to stderr: stdout carries only the figures.
        Collection<RunResult> results = new Runner(options.build(),
                OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();
        List<Figure> figures = new ArrayList<>();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark();
            String metric = snake(method.substring(method.lastIndexOf('.') + 1));
            String params = run.getParams().getParamsKeys().stream()
                    .map(k -> "_" + k + "_" + run.getParams().getParam(k)).reduce("", String::concat);
            Result<?> primary = run.getPrimaryResult();
            figures.add(scaled(metric + params, primary.getScore(), primary.getScoreUnit()));
            for (Map.Entry<String, Result> e : run.getSecondaryResults().entrySet()) {
                if (e.getKey().equals("gc.alloc.rate.norm")) {
                    figures.add(new Figure(metric + params + "_alloc", e.getValue().getScore(), "B/op"));
                }
            }
        }
        return figures;
    }

    /** Picks a readable unit for a time per operation measured in ns. */
    private static Figure scaled(String metric, double score, String unit) {
        if (!unit.equals("ns/op")) {
            return new Figure(metric, score, unit);
        }
        if (score >= 1e6) {
            return new Figure(metric, score / 1e6, "ms/op");
        }
        if (score >= 1e3) {
            return new Figure(metric, score / 1e3, "us/op");
        }
        return new Figure(metric, score, "ns/op");
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<Figure> runC(List<String> command) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("axvm.root", "."));
        Path program = root.resolve("native/target/bench").resolve(command.get(0));
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException("C baseline " + program + " is not built (run bin/bench, which builds it)");
        }
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        for (String a : command.subList(1, command.size())) {
            argv.add(a.replace("${root}", root.toString()));
        }
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Figure> figures = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Figure.parse(line).ifPresent(figures::add);
            }
        }
        int status = p.waitFor();
        if (status != 0) {
            throw new IllegalStateException("C baseline " + program + " exited with status " + status);
        }
        return figures;
    }
}
