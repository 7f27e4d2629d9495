package dev.axvm.vcpu;

import dev.axvm.addrspace.PagingHandler;

/**
 * What the host provides to vCPUs (AxVisor's {@code AxVCpuHal}). A KVM backend needs little of
 * it — KVM owns the hardware — but the contract is what a bare-metal backend would use too.
 */
public interface AxVCpuHal {
    /** The host's frame service. */
    PagingHandler pagingHandler();

    /** Monotonic time in nanoseconds. */
    long monotonicNanos();

    /** The host CPU the calling thread runs on, or -1 when the host cannot tell. */
    int currentHostCpu();
}
