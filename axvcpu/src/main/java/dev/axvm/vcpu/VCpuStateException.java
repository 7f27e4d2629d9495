package dev.axvm.vcpu;

/** A vCPU call arrived in a state that does not allow it; the vCPU is now {@link VCpuState#INVALID}. */
public class VCpuStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The message says which vCPU, which call, and which state. */
    public VCpuStateException(String message) {
        super(message);
    }

    /** The same, with the failure that made the transition fail. */
    public VCpuStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
