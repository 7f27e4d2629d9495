package dev.axvm.axvisor.selftest;

/**
 * "chaos": two vCPUs make some 120,000 exits of kinds a generator picks — 8-byte and byte stores
 * and loads on the test device (each load checked by the guest against its last store) and
 * hypercalls whose answers the guest checks — over {@value #BOOTS} boots; each boot but the last
 * ends with a reset asked by both vCPUs at the same moment (the VM reboots once for the two, and
 * the device, which survives reboots, counts the boots), the last with a power-off asked by both.
 * The VM must stop with POWER_OFF and status 0 after exactly {@value #BOOTS} boots, with at least
 * {@value #MIN_EXITS} exits counted by the host, no failure reported by the guest, and no host
 * exception.
 */
record ChaosScenario() implements Scenario {
    /** CHAOS_BOOTS in the guests' scenario.h. */
    static final int BOOTS = 5;
    /** What the host must count at least. */
    static final long MIN_EXITS = 100_000;

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public int vcpus() {
        return 2;
    }

    @Override
    public boolean rebootOnReset() {
        return true;
    }

    @Override
    public String verify(GuestRun run) throws ScenarioFailure {
        long boots = run.scratchWord(0);
        try {
            run.requireOrderlyPowerOff(true);
        } catch (ScenarioFailure f) {
            throw new ScenarioFailure("in boot " + boots + " of " + BOOTS + " (" + run.generation() + " reboots done, "
                    + run.deviceAccesses() + " device accesses, " + run.hypercallCount() + " hypercalls so far): "
                    + f.getMessage());
        }
        if (boots != BOOTS || run.generation() != BOOTS - 1) {
            throw new ScenarioFailure("the guest counted " + boots + " boots and the VM rebooted " + run.generation()
                    + " times; expected " + BOOTS + " boots, " + (BOOTS - 1) + " reboots (one per pair of resets)");
        }
        long exits = run.deviceAccesses() + run.hypercallCount();
        if (exits < MIN_EXITS) {
            throw new ScenarioFailure("only " + exits + " exits (" + run.deviceAccesses() + " device accesses, "
                    + run.hypercallCount() + " hypercalls), expected at least " + MIN_EXITS);
        }
        String cpu = run.machine().cpuWord();
        return String.format("%d exits (%d MMIO accesses checked by the guest, %d hypercalls with checked answers) over %d "
                + "boots: %d reboots, each asked for by both %ss at once and done once; then a power-off from both; "
                + "0 host exceptions, nothing leaked", exits, run.deviceAccesses(), run.hypercallCount(), BOOTS,
                BOOTS - 1, cpu);
    }
}
