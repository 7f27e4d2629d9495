package dev.axvm.vm;

/**
 * A snapshot file cannot be used: corrupt, truncated, written by another format or library
 * version, or taken of a VM on another architecture. The message is one line naming the file and,
 * where it applies, the section and byte offset.
 */
public class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with which file. */
    public SnapshotException(String message) {
        super(message);
    }

    /** The same, with the I/O failure underneath. */
    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
