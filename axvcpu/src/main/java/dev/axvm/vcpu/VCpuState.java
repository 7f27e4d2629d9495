package dev.axvm.vcpu;

/** AxVisor's vCPU states. */
public enum VCpuState {
    /** A failed transition left the vCPU unusable; every later call fails. */
    INVALID,
    /** Created, not yet set up. */
    CREATED,
    /** Set up and not bound to a thread. */
    FREE,
    /** Bound to a thread and ready to run. */
    READY,
    /** Running guest code on its thread. */
    RUNNING,
    /** Waiting (halted or parked) on its thread. */
    BLOCKED
}
