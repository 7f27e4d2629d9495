package dev.axvm.device;

/**
 * A device refuses a guest access (a width it does not support, a register it does not have, a
 * value it cannot take). The registry catches it and reports it as {@link AccessStatus#FAILED};
 * it never leaves the dispatch. The message names the device, offset and width.
 *
 * <p>No stack trace is recorded: the guest decides how often this is thrown, and the trace would
 * only show the dispatch path, which is always the same.
 */
public class DeviceAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A refusal for the reason given. */
    public DeviceAccessException(String message) {
        super(message, null, false, false);
    }
}
