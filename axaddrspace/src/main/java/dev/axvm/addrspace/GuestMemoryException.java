package dev.axvm.addrspace;

/** A guest-memory access touched a byte that is not mapped RAM; the message names the address. */
public class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long gpa;

    /** An access at {@code gpa} failed for the reason given. */
    public GuestMemoryException(long gpa, String message) {
        super(message);
        this.gpa = gpa;
    }

    /** The first guest-physical address that could not be accessed. */
    public long gpa() {
        return gpa;
    }
}
