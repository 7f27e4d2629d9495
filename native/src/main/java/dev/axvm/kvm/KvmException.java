package dev.axvm.kvm;

import dev.axvm.kvm.internal.Errno;

/**
 * A KVM operation failed. The message names the operation and the errno, e.g.
 * {@code KVM_CREATE_VM failed: EACCES (Permission denied)}.
 */
public class KvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    /** An operation that failed with {@code errno}. */
    public KvmException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    /** An operation that failed for a reason that is not an errno. */
    public KvmException(String operation, String why) {
        super(operation + " failed: " + why);
        this.operation = operation;
        this.errno = 0;
    }

    /** The KVM operation, e.g. {@code KVM_CREATE_VM}. */
    public String operation() {
        return operation;
    }

    /** The positive errno, or 0 when the failure was not an errno. */
    public int errno() {
        return errno;
    }
}
