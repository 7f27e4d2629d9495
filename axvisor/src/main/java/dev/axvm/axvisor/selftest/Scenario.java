package dev.axvm.axvisor.selftest;

/**
 * One entry of the suite: a guest ({@code native/guests/<arch>/scenario-<name>.S}), the VM it
 * needs, and the checks of what it did. The same scenario runs on every architecture; where an
 * architecture's KVM does something differently, its checks say so in the detail they return.
 */
sealed interface Scenario
        permits ConsoleScenario, MmioScenario, HypercallScenario, SmpScenario, InterruptScenario, PowerOffScenario,
        ChaosScenario {

    /** The scenario's name: its guest is {@code scenario-<name>}. */
    String name();

    /** vCPUs the VM gets. */
    default int vcpus() {
        return 1;
    }

    /** Whether the VM gets an interrupt controller ({@code interrupt_mode = "emulated"}). */
    default boolean needsInterruptController() {
        return false;
    }

    /** Whether a guest's reset reboots the VM (else it stops it, as AxVisor's app does). */
    default boolean rebootOnReset() {
        return false;
    }

    /** Sets the test device up before the guest runs (values for the guest's loads). */
    default void prepare(ScenarioDevice device, ScenarioMachine machine) {}

    /**
     * Checks the run.
     *
     * @return the one-line detail of a pass: what was checked, and any architecture difference
     * @throws ScenarioFailure with the one-line reason when a check fails
     */
    String verify(GuestRun run) throws ScenarioFailure;
}
