package dev.axvm.kvm;

/**
 * This host cannot run guests: the KVM device is missing, not accessible, speaks another API, or
 * lacks a capability the backend needs. The message says which, and what to do about it.
 */
public class HypervisorUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the hypervisor cannot be used. */
    public HypervisorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
