package dev.axvm.vcpu.riscv;

import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.internal.Platform;
import dev.axvm.vcpu.AxArchPerCpu;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchVmConfig;

/** The riscv64 backend on KVM, registered for {@link java.util.ServiceLoader}. */
public final class RiscvBackend implements ArchBackend {
    /** The architecture name. */
    public static final String ARCHITECTURE = "riscv64";

    /** For the service loader. */
    public RiscvBackend() {
        // Stateless: every VM opens its own KVM handle.
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public boolean runsOnThisHost() {
        return Platform.arch().equals(ARCHITECTURE) && KvmAvailability.probe().usable();
    }

    @Override
    public AxArchPerCpu perCpu(int cpuId) {
        return new RiscvPerCpu(cpuId);
    }

    @Override
    public RiscvVm createVm(ArchVmConfig config) {
        if (!Platform.arch().equals(ARCHITECTURE)) {
            throw new HardwareUnsupportedException("riscv64 guests need a riscv64 host with KVM; this host is "
                    + Platform.id(), null);
        }
        try {
            return RiscvVm.create(config);
        } catch (HypervisorUnavailableException e) {
            throw new HardwareUnsupportedException(e.getMessage(), e);
        }
    }
}
