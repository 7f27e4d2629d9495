package dev.axvm.vcpu.x86;

import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.KvmCapability;
import dev.axvm.vcpu.AxArchPerCpu;
import dev.axvm.vcpu.HardwareUnsupportedException;
import java.util.List;

/**
 * x86 virtualization on one host CPU, KVM style: "enabling" opens /dev/kvm and checks the API
 * version and the capabilities the x86 backend relies on; VMXON/SVM enabling is the kernel's job.
 */
public final class X86PerCpu implements AxArchPerCpu {
    /** Capabilities without which the backend cannot work. */
    public static final List<KvmCapability> REQUIRED = List.of(KvmCapability.USER_MEMORY, KvmCapability.IMMEDIATE_EXIT,
            KvmCapability.HLT);

    private final int cpuId;
    private Kvm kvm;
    private String description = "not enabled";

    /** The state of host CPU {@code cpuId}. */
    public X86PerCpu(int cpuId) {
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
        description = "KVM API " + opened.apiVersion() + " on " + KvmAvailability.virtualizationExtension()
                + (opened.has(KvmCapability.IRQCHIP) ? ", in-kernel irqchip" : "");
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
