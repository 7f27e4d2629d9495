package dev.axvm.axvisor.selftest;

import java.util.Objects;

/**
 * The verdict on one scenario.
 *
 * @param arch the architecture it ran on
 * @param name the scenario
 * @param passed whether every check passed
 * @param detail what was checked (a pass) or what went wrong (a failure), on one line
 * @param millis how long it took, building the VM to closing it
 */
public record ScenarioResult(String arch, String name, boolean passed, String detail, long millis) {
    /** Checks the parts. */
    public ScenarioResult {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * The line the harness reads back: {@code AXVM-SCENARIO PASS|FAIL <arch> <name>: <detail> (<ms> ms)},
     * always one line.
     */
    public String line() {
        return "AXVM-SCENARIO " + (passed ? "PASS" : "FAIL") + " " + arch + " " + name + ": "
                + detail.replaceAll("[\\r\\n]+", " | ") + " (" + millis + " ms)";
    }
}
