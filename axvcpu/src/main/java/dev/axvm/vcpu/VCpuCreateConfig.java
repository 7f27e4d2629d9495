package dev.axvm.vcpu;

/**
 * What an architecture needs to create a vCPU.
 *
 * @param vmId the VM's id
 * @param vcpuId the vCPU's index in its VM (0 is the boot vCPU)
 * @param archId the vCPU's architectural id: x86 APIC id, Arm MPIDR, RISC-V hart id
 */
public record VCpuCreateConfig(int vmId, int vcpuId, long archId) {
    /** Checks the ids. */
    public VCpuCreateConfig {
        if (vcpuId < 0) {
            throw new IllegalArgumentException("vCPU id " + vcpuId + " is negative");
        }
    }
}
