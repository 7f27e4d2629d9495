package dev.axvm.vm;

/**
 * The states of a VM's lifecycle (AxVisor's, with the two in-between states a VM that reboots and
 * closes needs). Every transition is defined from every state; see {@link AxVM}.
 */
public enum VmStatus {
    /** Being built. */
    LOADING,
    /** Built, not yet booted. */
    LOADED,
    /** Booted: its vCPUs run when their threads call {@link AxVM#runVcpu}. */
    RUNNING,
    /** Paused: no vCPU is in the guest; their threads wait inside {@link AxVM#runVcpu} until resumed. */
    SUSPENDED,
    /** Being rebuilt by a reboot: vCPU threads wait inside {@link AxVM#runVcpu} and carry on with the new vCPUs. */
    REBOOTING,
    /** Shutting down: vCPU threads are leaving {@link AxVM#runVcpu}. */
    STOPPING,
    /** Stopped: no vCPU runs any more; {@link AxVM#close()} releases what is left. */
    STOPPED,
    /** Closed: every fd, mapping and frame has been returned. */
    CLOSED;

    /** Whether the VM has stopped for good ({@link #STOPPED} or {@link #CLOSED}). */
    public boolean isStopped() {
        return this == STOPPED || this == CLOSED;
    }

    /** Whether the VM is stopping or has stopped: no vCPU will enter the guest again. */
    public boolean isEnding() {
        return this == STOPPING || isStopped();
    }
}
