package dev.axvm.device.virtio;

/**
 * The device half of a virtio device: what it is, what it offers and how it serves its queues.
 * {@link VirtioMmioDevice} is the transport that puts it on the guest's bus; it runs the status
 * handshake, owns the queues and calls these methods with its lock held, so a device needs no
 * locking of its own for state these calls touch.
 */
public interface VirtioDevice {
    /** The virtio device id: 2 block, 3 console, 4 entropy. */
    int deviceId();

    /** A short name for messages, e.g. {@code virtio-blk}. */
    String kind();

    /** Device-specific feature bits offered (the transport adds the ring features and VERSION_1); none by default. */
    default long features() {
        return 0;
    }

    /** The number of queues. */
    int queueCount();

    /** The largest size each queue may have (a power of 2). */
    int queueMaxSize();

    /** The size of the device-specific configuration space in bytes; none by default. */
    default int configSize() {
        return 0;
    }

    /** Byte {@code offset} (0 &le; offset &lt; {@link #configSize()}) of the configuration space. */
    default int configByte(int offset) {
        throw new IndexOutOfBoundsException("configuration byte " + offset + " of an empty configuration space");
    }

    /**
     * The driver set DRIVER_OK: the queues it made ready may now be used; {@code features} are
     * the negotiated bits. The default does nothing.
     */
    default void activate(long features, VirtQueue[] queues) {}

    /**
     * The driver notified queue {@code queue} (or the device asked for it through its
     * {@link QueueKick}): serve what the driver made available. Pop with {@link VirtQueue#pop},
     * complete with {@link VirtQueue#complete}; the transport raises the interrupt afterwards if
     * the driver wants one. A malformed queue throws {@link VirtQueueException} out of here. Serve
     * at most {@link VirtQueue#size()} requests per call: a driver on another vCPU that keeps
     * adding requests must not keep this thread (and the transport's lock) forever.
     */
    void serve(VirtQueue queue);

    /** The driver reset the device (or the VM rebooted): forget the session, keep the backing (file, source). */
    void reset();

    /**
     * The device's own state for a snapshot, beyond what its transport and queues hold (the
     * transport saves those); none by default. Called with the transport's lock held, so no request
     * is being served. Configuration the VM builds the device from (an image's path, read-only) is
     * not state, but a device may record it here to refuse a restore onto a different one.
     */
    default byte[] saveState() {
        return new byte[0];
    }

    /**
     * Checks {@code state}, which {@link #saveState} gave and came from a file (hostile), and returns
     * what puts the device in it; the transport runs that only once it has checked the whole
     * snapshot of the device, so that a refused state changes nothing. Called with the transport's
     * lock held.
     *
     * @throws IllegalArgumentException naming the field and its offset in {@code state}
     */
    default Runnable restoring(byte[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException(state.length + " bytes (offset 0); " + kind() + " has no state of its own");
        }
        return () -> {};
    }

    /**
     * Connects the device to its transport, for devices that have work to do without a
     * notification (console input arriving from the host). Called once. The default ignores it.
     */
    default void connect(QueueKick kick) {}

    /** How a device asks its transport to serve a queue from a host thread. */
    @FunctionalInterface
    interface QueueKick {
        /** Serves queue {@code queue} as if the driver had notified it, if the device is live. */
        void kick(int queue);
    }
}
