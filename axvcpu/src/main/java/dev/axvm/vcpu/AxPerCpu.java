package dev.axvm.vcpu;

import java.util.Objects;

/**
 * The virtualization state of one host CPU (AxVisor's {@code AxPerCpu}): which CPU, and the
 * architecture's state for it.
 *
 * @param <A> the architecture's per-CPU type
 */
public final class AxPerCpu<A extends AxArchPerCpu> implements AutoCloseable {
    private final int cpuId;
    private final A arch;

    /** The state of host CPU {@code cpuId}. */
    public AxPerCpu(int cpuId, A arch) {
        this.cpuId = cpuId;
        this.arch = Objects.requireNonNull(arch, "arch");
    }

    /** The host CPU. */
    public int cpuId() {
        return cpuId;
    }

    /** The architecture's state. */
    public A arch() {
        return arch;
    }

    /** Enables hardware virtualization on this CPU; see {@link AxArchPerCpu#hardwareEnable()}. */
    public void hardwareEnable() {
        arch.hardwareEnable();
    }

    /** Disables it again. */
    public void hardwareDisable() {
        arch.hardwareDisable();
    }

    /** Whether virtualization is on. */
    public boolean isEnabled() {
        return arch.isEnabled();
    }

    @Override
    public void close() {
        arch.close();
    }
}
