package dev.axvm.addrspace;

/** The host could not provide the frames asked for. */
public class FrameAllocationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What was asked for and why it failed. */
    public FrameAllocationException(String message) {
        super(message);
    }
}
