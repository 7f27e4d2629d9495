package dev.axvm.axvisor.selftest;

/** A scenario's check failed; the message is the one-line detail the suite reports. */
public final class ScenarioFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code detail}. */
    public ScenarioFailure(String detail) {
        super(detail, null, false, false);
    }
}
