package dev.axvm.vcpu.arm;

import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.KvmCapability;
import dev.axvm.vcpu.AxArchPerCpu;
import dev.axvm.vcpu.HardwareUnsupportedException;
import java.util.List;

/**
 * aarch64 virtualization on one host CPU, KVM style: "enabling" opens /dev/kvm and checks the API
 * version and the capabilities the aarch64 backend relies on; EL2 is the kernel's.
 */
public final class ArmPerCpu implements AxArchPerCpu {
    /** Capabilities without which the backend cannot work. */
    public static final List<KvmCapability> REQUIRED = List.of(KvmCapability.USER_MEMORY, KvmCapability.IMMEDIATE_EXIT,
            KvmCapability.ONE_REG, KvmCapability.ARM_PSCI_0_2);

    private final int cpuId;
    private Kvm kvm;
    private String description = "not enabled";

    /** The state of host CPU {@code cpuId}. */
    public ArmPerCpu(int cpuId) {
        this.cpuId = cpuId;
    }

    @Override
    public synchronized void hardwareEnable() {
        if (kvm != null) {
            return;
        }
        Kvm opened;
        try {
            opened = Kvm.openRequiring(REQUIRED);
        } catch (HypervisorUnavailableException e) {
            throw new HardwareUnsupportedException("CPU " + cpuId + ": " + e.getMessage(), e);
        }
        kvm = opened;
        description = "KVM API " + opened.apiVersion() + " on " + KvmAvailability.virtualizationExtension() + ", PSCI 0.2"
                + (opened.has(KvmCapability.IRQCHIP) ? ", in-kernel vGIC" : "");
    }

    @Override
    public synchronized void hardwareDisable() {
        if (kvm != null) {
            kvm.close();
            kvm = null;
        }
    }

    @Override
    public synchronized boolean isEnabled() {
        return kvm != null;
    }

    @Override
    public synchronized String describe() {
        return description;
    }
}
