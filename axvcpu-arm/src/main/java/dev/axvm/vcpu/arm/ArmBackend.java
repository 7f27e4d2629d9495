package dev.axvm.vcpu.arm;

import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.internal.Platform;
import dev.axvm.vcpu.AxArchPerCpu;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchVmConfig;

/** The aarch64 backend on KVM, registered for {@link java.util.ServiceLoader}. */
public final class ArmBackend implements ArchBackend {
    /** The architecture name. */
    public static final String ARCHITECTURE = "aarch64";

    /** For the service loader. */
    public ArmBackend() {
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
        return new ArmPerCpu(cpuId);
    }

    /** A VM with {@link ArmVmLayout#QEMU_VIRT}; see {@link ArmVm#create(ArchVmConfig, ArmVmLayout)} for another layout. */
    @Override
    public ArmVm createVm(ArchVmConfig config) {
        if (!Platform.arch().equals(ARCHITECTURE)) {
            throw new HardwareUnsupportedException("aarch64 guests need an aarch64 host with KVM; this host is "
                    + Platform.id(), null);
        }
        try {
            return ArmVm.create(config);
        } catch (HypervisorUnavailableException e) {
            throw new HardwareUnsupportedException(e.getMessage(), e);
        }
    }
}
