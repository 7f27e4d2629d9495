package dev.axvm.vcpu.spi;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A guest write the hypervisor turns into a wake-up instead of an exit (KVM's ioeventfd): a
 * device's worker thread waits on it, and the vCPU that wrote carries on at once. Made by
 * {@link ArchVm#doorbell}; belongs to one hardware VM, so a reboot makes new ones.
 */
public interface Doorbell extends AutoCloseable {
    /** Blocks until the guest rings (true), or until {@link #stop()} (false, then at once on every later call). */
    boolean await();

    /** Wakes the waiting thread for good. */
    void stop();

    /** Ends the registration and releases what it holds; call it after the waiting thread returned. */
    @Override
    void close();

    /** A doorbell from its three operations (backends adapt their hypervisor's doorbell with it). */
    static Doorbell of(BooleanSupplier await, Runnable stop, Runnable close) {
        Objects.requireNonNull(await, "await");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(close, "close");
        return new Doorbell() {
            @Override
            public boolean await() {
                return await.getAsBoolean();
            }

            @Override
            public void stop() {
                stop.run();
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
