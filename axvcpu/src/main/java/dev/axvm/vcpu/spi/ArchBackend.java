package dev.axvm.vcpu.spi;

import dev.axvm.vcpu.AxArchPerCpu;

/**
 * One architecture's hardware-virtualization backend, found at run time with
 * {@link java.util.ServiceLoader} (see {@link ArchBackends}) so that the VM core never depends on
 * an architecture module. A backend registers itself with {@code provides
 * dev.axvm.vcpu.spi.ArchBackend with ...} in its module-info and a
 * {@code META-INF/services} entry for class-path use.
 */
public interface ArchBackend {
    /** The guest architecture it runs: {@code x86_64}, {@code aarch64} or {@code riscv64}. */
    String architecture();

    /** Whether guests of this architecture can run on this host at all (same architecture, KVM present). */
    boolean runsOnThisHost();

    /** The per-host-CPU virtualization state for CPU {@code cpuId}. */
    AxArchPerCpu perCpu(int cpuId);

    /**
     * Creates the hardware side of one VM.
     *
     * @throws dev.axvm.vcpu.HardwareUnsupportedException when this host cannot run it
     */
    ArchVm createVm(ArchVmConfig config);
}
