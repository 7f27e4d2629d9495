package dev.axvm.vcpu;

/**
 * The vCPU cannot continue and no {@link ExitReason} describes why: the hypervisor failed, or
 * could not emulate what the guest did. The message carries the details (e.g. KVM's sub-error and
 * the guest's instruction pointer). The VM stops this guest; the host goes on.
 */
public class VCpuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public VCpuException(String message) {
        super(message);
    }

    /** What went wrong, and the underlying failure. */
    public VCpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
