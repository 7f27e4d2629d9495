package dev.axvm.vm;

/** AxVisor's VM states. */
public enum VmStatus {
    /** Being built, or being rebuilt by a reboot. */
    LOADING,
    /** Built, not yet booted. */
    LOADED,
    /** Booted: its vCPUs run when their threads call {@link AxVM#runVcpu}. */
    RUNNING,
    /** Paused: vCPU threads wait inside {@link AxVM#runVcpu} until resumed. */
    SUSPENDED,
    /** Shutting down: vCPU threads are leaving {@link AxVM#runVcpu}. */
    STOPPING,
    /** Stopped: no vCPU runs any more; {@link AxVM#close()} releases what is left. */
    STOPPED
}
