package dev.axvm.device;

/** Which kind of access an {@link AccessOutcome} describes. */
public enum AccessKind {
    /** A load from guest-physical memory that traps. */
    MMIO_READ,
    /** A store to guest-physical memory that traps. */
    MMIO_WRITE,
    /** An x86 {@code in}. */
    PORT_READ,
    /** An x86 {@code out}. */
    PORT_WRITE,
    /** A read of a trapped system register. */
    SYSREG_READ,
    /** A write of a trapped system register. */
    SYSREG_WRITE;

    /** Whether this is a read. */
    public boolean isRead() {
        return this == MMIO_READ || this == PORT_READ || this == SYSREG_READ;
    }
}
