package dev.axvm.vcpu.spi;

import java.util.Objects;
import java.util.Set;

/**
 * What a backend needs to know to create a VM.
 *
 * @param vmId the VM's id
 * @param vcpuCount how many vCPUs the VM will have
 * @param inKernelIrqchip whether interrupts go through the hypervisor's interrupt controller
 *     (x86 PIC/IOAPIC/LAPIC, Arm vGICv3, RISC-V AIA) rather than being injected by the VMM
 * @param paravirtOff the hypervisor's paravirtual features the guest must not see, by name (x86_64:
 *     KVM's CPUID features, named as QEMU names them, e.g. {@code "kvm-pv-eoi"}); a backend that
 *     has no such features refuses a non-empty set
 */
public record ArchVmConfig(int vmId, int vcpuCount, boolean inKernelIrqchip, Set<String> paravirtOff) {
    /** Checks the counts and copies the set. */
    public ArchVmConfig {
        if (vcpuCount < 1) {
            throw new IllegalArgumentException("a VM needs at least one vCPU, got " + vcpuCount);
        }
        paravirtOff = Set.copyOf(Objects.requireNonNull(paravirtOff, "paravirtOff"));
    }

    /** A VM that offers the guest every paravirtual feature. */
    public ArchVmConfig(int vmId, int vcpuCount, boolean inKernelIrqchip) {
        this(vmId, vcpuCount, inKernelIrqchip, Set.of());
    }

    /**
     * Refuses paravirtual features to turn off on a backend that has none.
     *
     * @throws IllegalArgumentException naming the features when {@link #paravirtOff()} is not empty
     */
    public void requireNoParavirtOff(String architecture) {
        if (!paravirtOff.isEmpty()) {
            throw new IllegalArgumentException(architecture + " guests have no paravirtual CPUID features to turn off: "
                    + paravirtOff.stream().sorted().toList());
        }
    }
}
