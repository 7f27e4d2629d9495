package dev.axvm.vm;

/**
 * A VM cannot be built from its config on this host: an image does not load, a region or device
 * asks for what a user-space host cannot give, or the hardware backend is missing. The message is
 * one line a user can act on; nothing has been left running or allocated.
 */
public class VmBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the VM cannot be built. */
    public VmBuildException(String message) {
        super(message);
    }

    /** The same, with the failure underneath. */
    public VmBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
