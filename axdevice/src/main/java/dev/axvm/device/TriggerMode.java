package dev.axvm.device;

/** How an {@link InterruptLine} signals. */
public enum TriggerMode {
    /**
     * The line stays asserted while the device has something pending ({@link InterruptLine#raise()}
     * asserts, {@link InterruptLine#lower()} deasserts); repeated raises are one assertion.
     */
    LEVEL,
    /**
     * Each {@link InterruptLine#raise()} is one event, delivered as a pulse (asserted, then
     * deasserted); {@link InterruptLine#lower()} does nothing.
     */
    EDGE
}
