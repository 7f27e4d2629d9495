package dev.axvm.vcpu.x86;

import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.internal.Platform;
import dev.axvm.vcpu.AxArchPerCpu;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchVmConfig;

/** The x86_64 backend on KVM, registered for {@link java.util.ServiceLoader}. */
public final class X86Backend implements ArchBackend {
    /** The architecture name. */
    public static final String ARCHITECTURE = "x86_64";

    /** For the service loader. */
    public X86Backend() {
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
        return new X86PerCpu(cpuId);
    }

    @Override
    public X86Vm createVm(ArchVmConfig config) {
        if (!Platform.arch().equals(ARCHITECTURE)) {
            throw new HardwareUnsupportedException("x86_64 guests need an x86_64 host with KVM; this host is "
                    + Platform.id(), null);
        }
        try {
            return X86Vm.create(config);
        } catch (HypervisorUnavailableException e) {
            throw new HardwareUnsupportedException(e.getMessage(), e);
        }
    }
}
