package dev.axvm.axvisor.selftest;

import dev.axvm.vcpu.ExitReason;
import java.util.ArrayList;
import java.util.List;

/**
 * "hypercall": number 0x41 with six 64-bit arguments, served by the {@link ScenarioHypercalls}
 * handler given to each {@link dev.axvm.vm.VcpuRunner}, whose answer the guest checks itself.
 *
 * <ul>
 *   <li>x86_64: AxVM's port convention (OUT to 0xe5; KVM keeps VMCALL to itself).
 *   <li>aarch64: AxVM's doorbell (a store to 0x0b000000), then AxVisor's HVC #0. KVM forwards the
 *       HVC only with the SMCCC filter (Linux 6.4+); before, it answers NOT_SUPPORTED (-1) itself
 *       and the doorbell is AxVM's documented fallback.
 *   <li>riscv64: AxVisor's EID 0x485643, which KVM answers itself with NOT_SUPPORTED (-2) (measured
 *       on 6.12), then AxVM's EID 0x08485643 in the experimental range KVM always forwards — the
 *       documented fallback.
 * </ul>
 */
record HypercallScenario() implements Scenario {
    private static final long SMCCC_NOT_SUPPORTED = -1;
    private static final long SBI_ERR_NOT_SUPPORTED = -2;

    @Override
    public String name() {
        return "hypercall";
    }

    /** The call every guest makes. */
    private static ExitReason.Hypercall expectedCall() {
        List<Long> a = ScenarioHypercalls.ARGUMENTS;
        return new ExitReason.Hypercall(ScenarioHypercalls.NUMBER, a.get(0), a.get(1), a.get(2), a.get(3), a.get(4), a.get(5));
    }

    @Override
    public String verify(GuestRun run) throws ScenarioFailure {
        run.requireOrderlyPowerOff();
        ExitReason.Hypercall call = expectedCall();
        long answer = ScenarioHypercalls.answer(call);
        List<ScenarioHypercalls.Call> calls = run.hypercalls();
        for (ScenarioHypercalls.Call c : calls) {
            if (c.vcpu() != 0 || !c.call().equals(call)) {
                throw new ScenarioFailure("the handler got " + c.call() + " from vCPU " + c.vcpu() + ", expected " + call
                        + " from vCPU 0");
            }
        }
        String args = "number 0x41 and six 64-bit arguments arrived intact and the guest checked the answer 0x"
                + Long.toHexString(answer);
        return switch (run.machine()) {
            case X86_64 -> {
                requireCalls(calls, 1);
                run.requireReports(0, List.of(answer), "the answer in RAX");
                run.requireConsole("hypercall: port 0xe5 answered as expected\n");
                yield "through AxVM's port 0xe5 (KVM keeps VMCALL to itself), served by the VcpuRunner's handler: " + args;
            }
            case AARCH64 -> aarch64(run, calls, answer, args);
            case RISCV64 -> riscv64(run, calls, answer, args);
        };
    }

    private static String aarch64(GuestRun run, List<ScenarioHypercalls.Call> calls, long answer, String args)
            throws ScenarioFailure {
        List<Long> reports = run.reports(0);
        boolean forwarded = calls.size() == 2;
        if (run.kernel().armForwardsHvcAndCpuOn() != forwarded) {
            throw new ScenarioFailure("the handler got " + calls.size() + " calls (doorbell" + (forwarded ? " and HVC" : "")
                    + ") on " + run.kernel() + ", where KVM " + (run.kernel().armForwardsHvcAndCpuOn() ? "has" : "lacks")
                    + " the SMCCC filter (Linux 6.4) that forwards HVC #0; guest reports " + GuestRun.hex(reports));
        }
        List<String> lines = new ArrayList<>(List.of("hypercall: the doorbell answered as expected\n"));
        if (forwarded) {
            run.requireReports(0, List.of(answer, answer), "x0 after the doorbell, x0 after HVC #0");
            lines.add("hypercall: HVC #0 answered as expected\n");
        } else {
            run.requireReports(0, List.of(answer, SMCCC_NOT_SUPPORTED), "x0 after the doorbell, x0 after HVC #0");
            lines.add("hypercall: HVC #0 not forwarded by this kernel (NOT_SUPPORTED)\n");
        }
        run.requireConsole(String.join("", lines));
        return forwarded
                ? "through AxVM's doorbell at 0x0b000000 and AxVisor's HVC #0 (forwarded by KVM's SMCCC filter on "
                        + run.kernel() + "), both served by the VcpuRunner's handler: " + args
                : "through AxVM's doorbell at 0x0b000000, served by the VcpuRunner's handler: " + args + "; HVC #0 is "
                        + "not forwarded on " + run.kernel() + " (no SMCCC filter before 6.4: KVM answered NOT_SUPPORTED), "
                        + "so the doorbell is the fallback";
    }

    private static String riscv64(GuestRun run, List<ScenarioHypercalls.Call> calls, long answer, String args)
            throws ScenarioFailure {
        if (calls.isEmpty() || calls.size() > 2) {
            requireCalls(calls, 1);
        }
        boolean forwarded = calls.size() == 2;
        List<String> lines = new ArrayList<>();
        if (forwarded) {
            run.requireReports(0, List.of(answer, answer), "a0 after EID 0x485643, a0 after EID 0x08485643");
            lines.add("hypercall: EID 0x485643 answered as expected\n");
        } else {
            run.requireReports(0, List.of(SBI_ERR_NOT_SUPPORTED, answer), "a0 after EID 0x485643, a0 after EID 0x08485643");
            lines.add("hypercall: EID 0x485643 not forwarded by this kernel (NOT_SUPPORTED)\n");
        }
        lines.add("hypercall: EID 0x08485643 answered as expected\n");
        run.requireConsole(String.join("", lines));
        return forwarded
                ? "through AxVisor's EID 0x485643 and AxVM's EID 0x08485643 (both forwarded on " + run.kernel()
                        + "), served by the VcpuRunner's handler: " + args
                : "through AxVM's EID 0x08485643 (KVM's experimental range), served by the VcpuRunner's handler: " + args
                        + "; AxVisor's EID 0x485643 is answered by KVM itself on " + run.kernel()
                        + " (NOT_SUPPORTED), so AxVM's EID is the fallback";
    }

    private static void requireCalls(List<ScenarioHypercalls.Call> calls, int expected) throws ScenarioFailure {
        if (calls.size() != expected) {
            throw new ScenarioFailure("the handler got " + calls.size() + " calls, expected " + expected + ": " + calls);
        }
    }
}
