package dev.axvm.axvisor.selftest;

/**
 * "power-off": the boot vCPU starts a second one that then spins in guest code without ever
 * exiting, and powers the machine off (port 0x604, PSCI SYSTEM_OFF, SBI SRST shutdown). The VM
 * must stop with POWER_OFF and exit status 0, both vCPU threads must end (the spinning one only
 * leaves the guest when AxVM kicks it), and neither vCPU may run past the power-off.
 */
record PowerOffScenario() implements Scenario {
    @Override
    public String name() {
        return "power-off";
    }

    @Override
    public int vcpus() {
        return 2;
    }

    @Override
    public String verify(GuestRun run) throws ScenarioFailure {
        run.requireOrderlyPowerOff();
        ScenarioMachine m = run.machine();
        String cpu = m.cpuWord();
        run.requireConsole("power-off: " + cpu + " 1 spinning, " + cpu + " 0 powers off\n");
        return m.powerOff() + " from " + cpu + " 0 while " + cpu + " 1 spun in guest code: stop cause POWER_OFF (exit "
                + "status 0, \"" + run.stopCause().detail() + "\"), VM STOPPED, both vCPU threads ended, nothing ran past "
                + "the power-off";
    }
}
