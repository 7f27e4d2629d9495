package dev.axvm.kvm;

import dev.axvm.kvm.internal.Errno;
import dev.axvm.kvm.internal.Shim;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Linux eventfd: a counter one thread adds to ({@link #signal()}) and another waits on
 * ({@link #await()}). KVM signals one for a guest write it was told about
 * ({@link KvmVm#addIoEventFd}); device worker threads wait on it.
 *
 * <p>One owner closes it, after every waiting thread has been woken and has returned: closing an
 * fd another thread is blocked on would leave that thread on a number the next open may reuse.
 */
public final class EventFd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventFd(int fd) {
        this.fd = fd;
    }

    /**
     * A new eventfd (counter 0, close-on-exec).
     *
     * @throws KvmException when the process is out of file descriptors
     */
    public static EventFd create() {
        int fd = Shim.eventFdCreate();
        if (fd < 0) {
            throw new KvmException("eventfd", -fd);
        }
        return new EventFd(fd);
    }

    /** The file descriptor (valid until {@link #close()}). */
    public int fd() {
        return fd;
    }

    /**
     * Blocks until the counter is non-zero, then resets it; returns how many signals arrived since
     * the last wait (at least 1). A signal delivered to the thread does not end the wait.
     *
     * @throws KvmException when the fd is closed or the read fails
     */
    public int await() {
        while (true) {
            if (closed.get()) {
                throw new KvmException("eventfd read", "the eventfd is closed");
            }
            int n = Shim.eventFdWait(fd);
            if (n != -Errno.EINTR) {
                if (n < 0) {
                    throw new KvmException("eventfd read", -n);
                }
                return n;
            }
        }
    }

    /** Adds one to the counter, waking a thread in {@link #await()}. */
    public void signal() {
        int rc = Shim.eventFdSignal(fd);
        if (rc < 0) {
            throw new KvmException("eventfd write", -rc);
        }
    }

    /** Closes the fd; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            int rc = Shim.close(fd);
            if (rc < 0) {
                throw new KvmException("close(eventfd)", -rc);
            }
        }
    }
}
