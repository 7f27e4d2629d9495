package dev.axvm.vcpu.spi;

/**
 * What a backend needs to know to create a VM.
 *
 * @param vmId the VM's id
 * @param vcpuCount how many vCPUs the VM will have
 * @param inKernelIrqchip whether interrupts go through the hypervisor's interrupt controller
 *     (x86 PIC/IOAPIC/LAPIC, Arm vGICv3, RISC-V AIA) rather than being injected by the VMM
 */
public record ArchVmConfig(int vmId, int vcpuCount, boolean inKernelIrqchip) {
    /** Checks the counts. */
    public ArchVmConfig {
        if (vcpuCount < 1) {
            throw new IllegalArgumentException("a VM needs at least one vCPU, got " + vcpuCount);
        }
    }
}
