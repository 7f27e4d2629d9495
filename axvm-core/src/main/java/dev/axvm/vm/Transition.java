package dev.axvm.vm;

/**
 * What became of a lifecycle request ({@link AxVM#pause()}, {@link AxVM#resume()},
 * {@link AxVM#reboot()}, a guest's reset): a request that races another transition is never lost
 * and never throws — it is applied, queued until the transition under way ends, found already
 * done, or refused because the VM is ending.
 */
public enum Transition {
    /** Done: the VM is in the requested state. */
    APPLIED,
    /** A transition is under way (a reboot); the request takes effect when it ends. */
    QUEUED,
    /** Nothing to do: the VM is already there, or the same transition is under way (coalesced). */
    UNCHANGED,
    /** Not possible from the VM's state (not booted, stopping, stopped or closed); nothing changed. */
    REFUSED,
    /** Attempted and failed: the VM has stopped with a {@link StopCause.Kind#CRASH} cause that says why. */
    FAILED
}
