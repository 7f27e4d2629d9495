package dev.axvm.vm.testkit;

import dev.axvm.vcpu.spi.Doorbell;
import java.util.concurrent.Semaphore;

/**
 * The test double of a hypervisor doorbell: {@link #ring()} is the guest's write that KVM would
 * turn into an eventfd signal. Remembers its address and whether it was stopped and closed.
 */
public final class ScriptedDoorbell implements Doorbell {
    private final long gpa;
    private final int length;
    private final Semaphore rings = new Semaphore(0);
    private volatile boolean stopped;
    private volatile boolean closed;

    ScriptedDoorbell(long gpa, int length) {
        this.gpa = gpa;
        this.length = length;
    }

    /** The guest-physical address it watches. */
    public long gpa() {
        return gpa;
    }

    /** The write width it watches. */
    public int length() {
        return length;
    }

    /** A guest write to the watched address. */
    public void ring() {
        rings.release();
    }

    @Override
    public boolean await() {
        if (stopped) {
            return false;
        }
        rings.acquireUninterruptibly();
        rings.drainPermits(); // several writes before the worker woke are one wake-up, as with an eventfd
        return !stopped;
    }

    @Override
    public void stop() {
        stopped = true;
        rings.release();
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Whether {@link #stop()} was called. */
    public boolean isStopped() {
        return stopped;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }
}
