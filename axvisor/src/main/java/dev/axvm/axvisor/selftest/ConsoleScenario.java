package dev.axvm.axvisor.selftest;

/**
 * "console": the guest prints one line on the architecture's built-in console UART (COM1, the
 * PL011, the 16550), polling its transmit-ready bit as a driver would, and powers off. Checks the
 * exact text and an orderly power-off.
 */
record ConsoleScenario() implements Scenario {
    @Override
    public String name() {
        return "console";
    }

    /** What the guest prints. */
    static String line(ScenarioMachine machine) {
        return "console: hello from " + machine.archName() + " on " + switch (machine) {
            case X86_64 -> "COM1";
            case AARCH64 -> "the PL011";
            case RISCV64 -> "the 16550";
        } + "\n";
    }

    @Override
    public String verify(GuestRun run) throws ScenarioFailure {
        run.requireOrderlyPowerOff();
        String expected = line(run.machine());
        run.requireConsole(expected);
        return GuestRun.quote(expected.strip()) + " arrived on " + run.machine().console() + "; then "
                + run.machine().powerOff() + ": stop cause POWER_OFF";
    }
}
