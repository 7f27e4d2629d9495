package dev.axvm.vm.testkit;

import java.util.concurrent.atomic.AtomicLong;

/** A monotonic clock that moves only when told to (or, optionally, with real time). */
public final class ManualClock {
    private final AtomicLong nanos = new AtomicLong();
    private final boolean followsRealTime;
    private final long origin = System.nanoTime();

    /** A clock at 0 that moves only by {@link #advance}. */
    public ManualClock() {
        this(false);
    }

    /** A clock that, if {@code followsRealTime}, also moves with {@link System#nanoTime()}. */
    public ManualClock(boolean followsRealTime) {
        this.followsRealTime = followsRealTime;
    }

    /** Now, in nanoseconds. */
    public long nanos() {
        return nanos.get() + (followsRealTime ? System.nanoTime() - origin : 0);
    }

    /** Moves the clock forward. */
    public void advance(long byNanos) {
        if (byNanos < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back (" + byNanos + " ns)");
        }
        nanos.addAndGet(byNanos);
    }
}
