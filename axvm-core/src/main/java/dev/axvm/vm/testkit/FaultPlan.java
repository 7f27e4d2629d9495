package dev.axvm.vm.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Fault injection for tests: counts the calls it is told about (allocations, hypervisor calls) and
 * makes the {@code n}th one throw, as an exhausted host or a failing ioctl would. Shared by a
 * {@link MockHal} and a {@link ScriptedBackend} to fail "the Nth thing the build does" across
 * both; {@link #calls()} tells how far a run went, so a test can try every {@code n} it reaches.
 */
public final class FaultPlan {
    /** What an injected failure throws. */
    public static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }

    private final int failAt;
    private final List<String> log = new ArrayList<>();

    /** A plan that fails call number {@code failAt} (1-based); 0 fails nothing and only counts. */
    public FaultPlan(int failAt) {
        this.failAt = failAt;
    }

    /** A plan that only counts. */
    public static FaultPlan counting() {
        return new FaultPlan(0);
    }

    /**
     * Records call {@code what}; throws {@link InjectedFault} when it is the one to fail.
     */
    public synchronized void call(String what) {
        log.add(what);
        if (log.size() == failAt) {
            throw new InjectedFault("injected failure of call " + failAt + ": " + what);
        }
    }

    /** How many calls were made. */
    public synchronized int calls() {
        return log.size();
    }

    /** The calls, in order. */
    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    /** Whether the failure was injected (the run reached call {@code failAt}). */
    public synchronized boolean fired() {
        return failAt > 0 && log.size() >= failAt;
    }
}
