package dev.axvm.kvm;

import java.util.Objects;

/**
 * A guest-physical doorbell: an {@link EventFd} that KVM signals for every guest write of a given
 * width at a given address ({@code KVM_IOEVENTFD}), so that the write costs the vCPU no exit to
 * user space. A device's worker thread waits on it ({@link #await()}); {@link #stop()} wakes that
 * thread for good. Owns the eventfd and the registration: {@link #close()} ends both, after the
 * worker has returned.
 */
public final class KvmDoorbell implements AutoCloseable {
    private final KvmVm vm;
    private final long gpa;
    private final int length;
    private final EventFd event;
    private volatile boolean stopped;

    private KvmDoorbell(KvmVm vm, long gpa, int length, EventFd event) {
        this.vm = vm;
        this.gpa = gpa;
        this.length = length;
        this.event = event;
    }

    /**
     * Registers a doorbell for writes of {@code length} bytes at {@code gpa} in {@code vm}.
     *
     * @throws KvmException when KVM refuses it (the eventfd is closed again)
     */
    public static KvmDoorbell open(KvmVm vm, long gpa, int length) {
        Objects.requireNonNull(vm, "vm");
        EventFd event = EventFd.create();
        try {
            vm.addIoEventFd(gpa, length, event);
        } catch (RuntimeException e) {
            event.close();
            throw e;
        }
        return new KvmDoorbell(vm, gpa, length, event);
    }

    /** Blocks until the guest rings (true) or {@link #stop()} is called (false, then at once on every later call). */
    public boolean await() {
        if (stopped) {
            return false;
        }
        event.await();
        return !stopped;
    }

    /** Wakes the waiting thread and makes every later {@link #await()} return false. */
    public void stop() {
        stopped = true;
        event.signal();
    }

    /** Ends the registration (unless the VM is already gone) and closes the eventfd. */
    @Override
    public void close() {
        try {
            vm.removeIoEventFd(gpa, length, event);
        } finally {
            event.close();
        }
    }
}
