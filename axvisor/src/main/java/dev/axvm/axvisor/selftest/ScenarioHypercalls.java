package dev.axvm.axvisor.selftest;

import dev.axvm.vcpu.ExitReason;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The hypercall service of a scenario VM: answers every call with {@link #answer} and records
 * it. The guests know the answer to expect for their call (HC_ANSWER in
 * {@code native/guests/<arch>/scenario.h}), so a call that arrives with its arguments mixed up or
 * truncated gets an answer the guest rejects.
 */
final class ScenarioHypercalls implements HypercallHandler {
    /** The scenario guests' call number. */
    static final long NUMBER = 0x41;
    /** The scenario guests' six arguments. */
    static final List<Long> ARGUMENTS = List.of(0x1000_0000_0000_0001L, 0x2000_0000_0000_0020L, 0x3000_0000_0000_0300L,
            0x4000_0000_0000_4000L, 0x5000_0000_0005_0000L, 0x6000_0000_0060_0000L);

    /** A call as it arrived. */
    record Call(int vcpu, ExitReason.Hypercall call) {}

    /**
     * Calls kept per VM. A scenario expects one; a guest calling in a loop until the time limit
     * must not fill the host's heap (millions of exits a minute), and past this many it fails
     * its scenario anyway.
     */
    static final int KEPT = 1_000;

    private final List<Call> calls = new ArrayList<>();
    private long count;

    /** {@code nr + 1*a0 + 2*a1 + ... + 6*a5}, modulo 2^64: every argument counts, in its place. */
    static long answer(ExitReason.Hypercall call) {
        long sum = call.nr();
        for (int i = 0; i < 6; i++) {
            sum += (i + 1) * call.arg(i);
        }
        return sum;
    }

    @Override
    public long handle(AxVM<?, ?> vm, int vcpuId, ExitReason.Hypercall call) {
        synchronized (calls) {
            count++;
            if (calls.size() < KEPT) {
                calls.add(new Call(vcpuId, call));
            }
        }
        return answer(call);
    }

    /** Every call so far, kept or not. */
    long count() {
        synchronized (calls) {
            return count;
        }
    }

    /** The calls so far, in order. */
    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }
}
