package dev.axvm.kvm.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one owner of a native handle (a file descriptor, a mapping) that other threads use for short
 * moments: a kick, an interrupt line, a KVM_RUN. Each use is bracketed by {@link #enter()} and
 * {@link #exit()}; {@link #close()} refuses new uses and releases the handle exactly once — at
 * once when no use is in progress, else when the last use leaves. So a use racing a close never
 * touches a released handle (nor a file descriptor number the kernel has since given to another
 * file), and a close never waits forever for a thread that will not leave.
 *
 * <p>The state is one word: a closing bit, a released bit and the count of uses in progress. A use
 * costs two atomic operations, as a plain use counter would.
 */
public final class OwnedHandle {
    private static final int CLOSING = 1 << 30;
    private static final int RELEASED = 1 << 29;
    private static final int USES = RELEASED - 1;

    private final AtomicInteger state = new AtomicInteger();
    private final Runnable release;
    private volatile RuntimeException releaseFailure;

    /** @param release frees the handle; run once, by whichever thread ends the last use after close */
    public OwnedHandle(Runnable release) {
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Starts a use; false once {@link #close()} has begun (then do not touch the handle). */
    public boolean enter() {
        for (;;) {
            int s = state.get();
            if ((s & (CLOSING | RELEASED)) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /**
     * Starts a use even while closing, as long as the handle is not released yet: for what helps a
     * close along (kicking a thread out of KVM_RUN so that it leaves).
     */
    public boolean enterWhileClosing() {
        for (;;) {
            int s = state.get();
            if ((s & RELEASED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a use; the last use to leave a closing handle releases it. */
    public void exit() {
        if (state.decrementAndGet() == CLOSING) {
            releaseOnce();
        }
    }

    /**
     * Refuses new uses and releases the handle if no use is in progress. Idempotent.
     *
     * @return whether the handle is released now (false: a use is still in progress, and its end releases it)
     */
    public boolean close() {
        int before = state.getAndUpdate(s -> s | CLOSING);
        if ((before & CLOSING) == 0 && (before & USES) == 0) {
            releaseOnce();
        }
        return isReleased();
    }

    /**
     * Closes and waits up to {@code timeoutNanos} for the uses in progress to end, calling
     * {@code nudge} (with a use held, so the handle is still there) every {@code nudgeEveryNanos}.
     *
     * @return whether the handle is released
     */
    public boolean closeAndAwait(long timeoutNanos, long nudgeEveryNanos, Runnable nudge) {
        if (close()) {
            return true;
        }
        long now = System.nanoTime();
        long deadline = now + timeoutNanos;
        long nextNudge = now;
        while (!isReleased()) {
            now = System.nanoTime();
            if (now - nextNudge >= 0 && enterWhileClosing()) {
                try {
                    nudge.run();
                } finally {
                    exit();
                }
                nextNudge = now + nudgeEveryNanos;
            }
            if (now - deadline > 0) {
                return isReleased();
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosing() {
        return (state.get() & CLOSING) != 0;
    }

    /** Whether the handle has been released. */
    public boolean isReleased() {
        return (state.get() & RELEASED) != 0;
    }

    /** Uses in progress. */
    public int uses() {
        return state.get() & USES;
    }

    /** What the release threw, if it ran and failed (it runs once, maybe on another thread). */
    public RuntimeException releaseFailure() {
        return releaseFailure;
    }

    private void releaseOnce() {
        if (state.compareAndSet(CLOSING, CLOSING | RELEASED)) {
            try {
                release.run();
            } catch (RuntimeException e) {
                releaseFailure = e;
                throw e;
            }
        }
    }
}
