package dev.axvm.axvisor.selftest;

import java.util.List;

/**
 * "smp": the boot vCPU starts a second one, which prints too. x86_64 uses AxVM's platform call
 * CPU_ON (port 0xe6), which arrives as a CpuUp exit that the {@link dev.axvm.vm.VcpuRunner}
 * serves by starting the target; aarch64 uses PSCI CPU_ON, which KVM serves itself before Linux
 * 6.4 (and forwards as CpuUp after); riscv64 uses SBI HSM hart_start, which KVM always serves
 * itself. Where KVM starts secondaries, AxVM runs every vCPU from boot
 * ({@code ArchVm.startsSecondaryVcpus}); the scenario checks that this is the path taken.
 */
record SmpScenario() implements Scenario {
    /** What the second vCPU is started with (SMP_ARG). */
    static final long ARGUMENT = 0xc0_ffee_5eedL;
    /** What the second vCPU leaves in memory (SMP_FLAG). */
    static final long FLAG = 0x5ec0;

    @Override
    public String name() {
        return "smp";
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
        run.requireConsole("smp: " + cpu + " 0 up, starting " + cpu + " 1\nsmp: " + cpu + " 1 up\nsmp: " + cpu + " 1 done\n");
        run.requireReports(0, List.of(m.bootCpuId(), 0L, FLAG), "own " + m.cpuIdName() + ", start status, the flag");
        run.requireReports(1, List.of(ARGUMENT, m.secondCpuId()), "start argument, own " + m.cpuIdName());

        boolean hypervisorStarts = switch (m) {
            case X86_64 -> false;
            case AARCH64 -> !run.kernel().armForwardsHvcAndCpuOn();
            case RISCV64 -> true;
        };
        if (run.secondariesRunFromBoot() != hypervisorStarts) {
            throw new ScenarioFailure("AxVM " + (run.secondariesRunFromBoot() ? "ran" : "did not run")
                    + " vCPU 1 from boot, but on " + m.archName() + " (" + run.kernel() + ") "
                    + (hypervisorStarts ? "KVM starts secondaries itself" : "starting it is the VMM's job (CpuUp)"));
        }
        String started = switch (m) {
            case X86_64 -> "AxVM's platform call CPU_ON (port 0xe6) → CpuUp, served by the VcpuRunner";
            case AARCH64 -> hypervisorStarts
                    ? "PSCI CPU_ON, served inside KVM on " + run.kernel() + " (not forwarded before 6.4), so AxVM ran "
                            + "every vCPU from boot"
                    : "PSCI CPU_ON, forwarded by KVM's SMCCC filter on " + run.kernel() + " → CpuUp, served by the VcpuRunner";
            case RISCV64 -> "SBI HSM hart_start, served inside KVM (no kernel forwards HSM), so AxVM ran every vCPU "
                    + "from boot";
        };
        return cpu + " 1 (" + m.cpuIdName() + " 0x" + Long.toHexString(m.secondCpuId()) + ") started by " + started
                + "; it got its argument 0x" + Long.toHexString(ARGUMENT) + ", printed, and stopped itself; both printed "
                + "in order";
    }
}
