package dev.axvm.axvisor;

import dev.axvm.axvisor.selftest.ScenarioMachine;
import dev.axvm.axvisor.selftest.ScenarioResult;
import dev.axvm.axvisor.selftest.ScenarioSuite;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code axvisor selftest}: runs the scenario suite ({@link ScenarioSuite}) on this host's
 * architecture and KVM and prints one line per scenario, then the totals.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Run the scenario suite on this host's KVM: tiny guests for this architecture (console, mmio, "
                + "hypercall, smp, interrupt, power-off, chaos), each in its own VM, checked end to end.",
            "Prints 'AXVM-SCENARIO PASS|FAIL <arch> <name>: <detail> (<ms> ms)' per scenario, then "
                + "'scenarios: N passed, M failed'. Exit status: 0 when every scenario passed, 1 otherwise, 2 on a usage error."})
final class SelftestCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SCENARIO", arity = "0..*", description = "Run only these scenarios (default: all).")
    List<String> only = List.of();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long each scenario's VM may run before the host stops it and the scenario fails "
                    + "(default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run the scenarios N times over, each run in fresh VMs: for hunting a failure that comes "
                    + "and goes (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<ScenarioMachine> machine = ScenarioMachine.host();
        if (machine.isEmpty()) {
            err.println("axvisor: selftest runs on x86_64, aarch64 or riscv64 hosts, not " + System.getProperty("os.arch"));
            err.flush();
            return 2;
        }
        if (repeat <= 0) {
            err.println("axvisor: --repeat wants a positive count, got " + repeat);
            err.flush();
            return 2;
        }
        if (timeoutSeconds <= 0) {
            err.println("axvisor: --timeout wants a positive number of seconds, got " + timeoutSeconds);
            err.flush();
            return 2;
        }
        List<ScenarioResult> results = new ArrayList<>();
        try {
            ScenarioSuite suite = new ScenarioSuite(machine.get(), Duration.ofSeconds(timeoutSeconds));
            for (int i = 0; i < repeat; i++) {
                results.addAll(suite.run(only, r -> {
                    out.println(r.line());
                    out.flush();
                }));
            }
        } catch (IllegalArgumentException e) {
            err.println("axvisor: " + e.getMessage());
            err.flush();
            return 2;
        }
        long passed = results.stream().filter(ScenarioResult::passed).count();
        long failed = results.size() - passed;
        out.println("scenarios: " + passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 && passed > 0 ? 0 : 1;
    }
}
