package dev.axvm.device;

import java.util.Objects;

/**
 * One numbered interrupt line from a device to the VM's interrupt controller. The VM hands each
 * device that interrupts its line; the device raises and lowers it. A level-triggered line
 * forwards only changes to its {@link InterruptSink}, so a device may call {@link #set(boolean)}
 * after every register access without costing the VM an irqchip call each time.
 *
 * <p>Thread-safe: a device may drive its line from a vCPU thread and a host thread.
 */
public final class InterruptLine {
    private static final InterruptSink NOWHERE = (line, level) -> {};

    private final InterruptSink sink;
    private final int number;
    private final TriggerMode mode;
    private boolean asserted;

    /**
     * Line {@code number} to {@code sink}.
     *
     * @throws IllegalArgumentException when {@code number} is negative
     */
    public InterruptLine(InterruptSink sink, int number, TriggerMode mode) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (number < 0) {
            throw new IllegalArgumentException("interrupt line " + number + " is negative");
        }
        this.number = number;
    }

    /** A line connected to nothing, for devices the guest polls (no {@code irq_id}). */
    public static InterruptLine disconnected() {
        return new InterruptLine(NOWHERE, 0, TriggerMode.LEVEL);
    }

    /** Whether this line goes nowhere ({@link #disconnected()}). */
    public boolean isDisconnected() {
        return sink == NOWHERE;
    }

    /** The line's number. */
    public int number() {
        return number;
    }

    /** Level or edge. */
    public TriggerMode mode() {
        return mode;
    }

    /** Asserts a level line (no call when already asserted); sends one pulse on an edge line. */
    public void raise() {
        synchronized (this) {
            if (mode == TriggerMode.EDGE) {
                sink.setLine(number, true);
                sink.setLine(number, false);
            } else if (!asserted) {
                asserted = true;
                sink.setLine(number, true);
            }
        }
    }

    /** Deasserts a level line (no call when already deasserted); nothing on an edge line. */
    public void lower() {
        synchronized (this) {
            if (mode == TriggerMode.LEVEL && asserted) {
                asserted = false;
                sink.setLine(number, false);
            }
        }
    }

    /**
     * {@link #raise()} when {@code level}, else {@link #lower()}. For an edge line this pulses on
     * every call with {@code true}: edge devices call it only when their condition becomes true.
     */
    public void set(boolean level) {
        if (level) {
            raise();
        } else {
            lower();
        }
    }

    /** Whether a level line is asserted now (always false for an edge line). */
    public synchronized boolean isAsserted() {
        return asserted;
    }

    @Override
    public String toString() {
        return isDisconnected() ? "interrupt line (disconnected)" : "interrupt line " + number + " (" + mode + ")";
    }
}
