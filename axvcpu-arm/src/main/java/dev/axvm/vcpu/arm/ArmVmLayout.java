package dev.axvm.vcpu.arm;

import dev.axvm.addrspace.GuestPhysAddrRange;

/**
 * Where an aarch64 VM's in-kernel pieces sit in guest-physical memory: the vGICv3 distributor and
 * redistributor window, the number of interrupts, and AxVM's hypercall doorbell. RAM and emulated
 * devices must stay clear of them ({@link ArmVm#reservedRanges()}).
 *
 * @param gicDistributor the distributor's base (64 KiB, 64 KiB aligned)
 * @param gicRedistributor the first redistributor (128 KiB per vCPU, 64 KiB aligned)
 * @param gicRedistributorEnd the end of the redistributor window, which bounds the vCPU count
 * @param interruptCount INTIDs the vGIC implements: a multiple of 32 in 64..1024 (SPIs are INTIDs 32 and up)
 * @param hypercallDoorbell AxVM's hypercall doorbell page (4 KiB aligned)
 */
public record ArmVmLayout(long gicDistributor, long gicRedistributor, long gicRedistributorEnd, int interruptCount,
        long hypercallDoorbell) {

    /** QEMU virt's addresses, as {@link ArmPlatform} lists them. */
    public static final ArmVmLayout QEMU_VIRT = new ArmVmLayout(ArmPlatform.GICD_BASE, ArmPlatform.GICR_BASE,
            ArmPlatform.GICR_END, ArmPlatform.DEFAULT_INTERRUPT_COUNT, ArmPlatform.HYPERCALL_DOORBELL);

    private static final long GIC_ALIGN = 0x1_0000L;

    /** Checks alignment, sizes and that no two pieces overlap. */
    public ArmVmLayout {
        if (gicDistributor % GIC_ALIGN != 0 || gicRedistributor % GIC_ALIGN != 0) {
            throw new IllegalArgumentException(String.format(
                    "GIC distributor 0x%x and redistributor 0x%x must be 64 KiB aligned", gicDistributor, gicRedistributor));
        }
        if (Long.compareUnsigned(gicRedistributorEnd, gicRedistributor + ArmPlatform.GICR_STRIDE) < 0) {
            throw new IllegalArgumentException(String.format(
                    "the redistributor window 0x%x..0x%x holds no redistributor (128 KiB each)", gicRedistributor,
                    gicRedistributorEnd));
        }
        if (interruptCount < 64 || interruptCount > 1024 || interruptCount % 32 != 0) {
            throw new IllegalArgumentException("interrupt count " + interruptCount + " must be a multiple of 32 in 64..1024");
        }
        if (hypercallDoorbell % ArmPlatform.HYPERCALL_DOORBELL_SIZE != 0) {
            throw new IllegalArgumentException(String.format("hypercall doorbell 0x%x must be 4 KiB aligned", hypercallDoorbell));
        }
        GuestPhysAddrRange d = new GuestPhysAddrRange(gicDistributor, ArmPlatform.GICD_SIZE);
        GuestPhysAddrRange r = new GuestPhysAddrRange(gicRedistributor, gicRedistributorEnd - gicRedistributor);
        GuestPhysAddrRange h = new GuestPhysAddrRange(hypercallDoorbell, ArmPlatform.HYPERCALL_DOORBELL_SIZE);
        if (overlap(d, r) || overlap(d, h) || overlap(r, h)) {
            throw new IllegalArgumentException("GIC distributor " + d + ", redistributors " + r + " and hypercall doorbell "
                    + h + " must not overlap");
        }
    }

    private static boolean overlap(GuestPhysAddrRange a, GuestPhysAddrRange b) {
        return Long.compareUnsigned(a.start(), b.last()) <= 0 && Long.compareUnsigned(b.start(), a.last()) <= 0;
    }

    /** How many vCPUs the redistributor window has room for. */
    public int maxVcpus() {
        return (int) Math.min(Integer.MAX_VALUE, (gicRedistributorEnd - gicRedistributor) / ArmPlatform.GICR_STRIDE);
    }

    /** The shared peripheral interrupts the vGIC implements (SPI n is INTID 32 + n). */
    public int spiCount() {
        return interruptCount - ArmPlatform.FIRST_SPI_INTID;
    }

    /** Whether {@code gpa} falls on the hypercall doorbell page. */
    public boolean isDoorbell(long gpa) {
        return Long.compareUnsigned(gpa - hypercallDoorbell, ArmPlatform.HYPERCALL_DOORBELL_SIZE) < 0;
    }
}
