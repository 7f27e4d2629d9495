package dev.axvm.device.virtio;

/**
 * A virtqueue the driver left in a state the device cannot serve: an index out of range, a
 * descriptor loop, a buffer outside guest RAM, an indirect table where none may be. The transport
 * catches it, puts the device in {@code DEVICE_NEEDS_RESET}, reports it once and serves the
 * queue no more until the driver resets the device. The message names the queue and the value.
 */
public final class VirtQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A malformed queue, described by {@code message}. */
    public VirtQueueException(String message) {
        super(message);
    }
}
