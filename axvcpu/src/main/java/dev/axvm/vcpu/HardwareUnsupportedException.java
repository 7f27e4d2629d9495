package dev.axvm.vcpu;

/** The host cannot virtualize: the extension, the device or a needed capability is missing; the message says which. */
public class HardwareUnsupportedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What is missing and what to do about it. */
    public HardwareUnsupportedException(String message, Throwable cause) {
        super(message, cause);
    }
}
