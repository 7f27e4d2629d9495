package dev.axvm.kvm;

import dev.axvm.kvm.internal.Shim;

/** Facts about the calling host thread that a host HAL reports. */
public final class HostThread {
    private HostThread() {}

    /** The host CPU the calling thread runs on ({@code sched_getcpu}), or -1 when the host cannot tell. */
    public static int currentCpu() {
        int cpu = Shim.currentCpu();
        return cpu < 0 ? -1 : cpu;
    }
}
