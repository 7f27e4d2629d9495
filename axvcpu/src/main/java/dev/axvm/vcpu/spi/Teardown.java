package dev.axvm.vcpu.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * The release steps of one close: every step runs even when an earlier one failed, so that one
 * stubborn resource does not keep the others open, and the failures are reported once at the end
 * ({@link #finish}) as one exception that names how many steps failed and carries each.
 */
public final class Teardown {
    private final List<RuntimeException> failures = new ArrayList<>();

    /** Runs one release step; a failure is kept for {@link #finish}. */
    public void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    /** The failures so far. */
    public List<RuntimeException> failures() {
        return List.copyOf(failures);
    }

    /**
     * Throws what failed, if anything: the only failure itself, or one {@link IllegalStateException}
     * naming {@code what} and the count, with every failure suppressed in it.
     */
    public void finish(String what) {
        if (failures.isEmpty()) {
            return;
        }
        if (failures.size() == 1) {
            throw failures.getFirst();
        }
        IllegalStateException all = new IllegalStateException(what + ": " + failures.size() + " release steps failed; first: "
                + failures.getFirst().getMessage());
        failures.forEach(all::addSuppressed);
        throw all;
    }
}
