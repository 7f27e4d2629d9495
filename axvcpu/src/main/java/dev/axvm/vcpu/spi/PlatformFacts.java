package dev.axvm.vcpu.spi;

import java.util.Objects;

/**
 * What only the hypervisor knows about the platform a VM's guest sees, for the platform
 * description the VM generates (a device tree): where the in-kernel interrupt controller sits,
 * which ISA and MMU the vCPUs have, how fast their timers tick. The VM core writes the description;
 * the backend supplies the facts, so the core never depends on an architecture module.
 */
public sealed interface PlatformFacts {
    /**
     * aarch64 with KVM's vGICv3.
     *
     * @param gicDistributor the distributor's base
     * @param gicDistributorSize its size
     * @param gicRedistributors the first redistributor's base
     * @param gicRedistributorStride the bytes each vCPU's redistributor takes
     * @param interrupts the interrupt IDs the vGIC implements (SPIs included)
     */
    record Arm(long gicDistributor, long gicDistributorSize, long gicRedistributors, long gicRedistributorStride,
            int interrupts) implements PlatformFacts {}

    /**
     * riscv64, as KVM's ONE_REG interface reports it for the VM's vCPUs.
     *
     * @param isa the ISA string ({@code rv64imafdc_zicsr_...}): the base letters and the multi-letter
     *     extensions KVM says the vCPU has
     * @param mmuType the paging mode of the guest's satp ({@code riscv,sv39}, {@code riscv,sv48},
     *     {@code riscv,sv57}), or empty when KVM does not say
     * @param timebaseFrequency the vCPU timer's frequency in Hz
     */
    record Riscv(String isa, String mmuType, long timebaseFrequency) implements PlatformFacts {
        /** Checks presence. */
        public Riscv {
            Objects.requireNonNull(isa, "isa");
            Objects.requireNonNull(mmuType, "mmuType");
        }
    }

    /** Nothing the VM's platform description needs (a VM without one, or x86, which ACPI describes). */
    record None() implements PlatformFacts {}
}
