package dev.axvm.vcpu.arm;

/**
 * The aarch64 machine this backend builds, with QEMU {@code virt}'s addresses (which AxVisor's
 * aarch64 guest configs use too), the PSCI calls guests make, and AxVM's hypercall doorbell.
 *
 * <pre>
 * 0x0800_0000  GICv3 distributor (64 KiB)
 * 0x080a_0000  GICv3 redistributors (128 KiB per vCPU, up to 0x0900_0000: 123 vCPUs)
 * 0x0900_0000  PL011 UART (4 KiB), SPI 1 = INTID 33, level
 * 0x0b00_0000  AxVM hypercall doorbell (4 KiB)
 * 0x4000_0000  RAM; a Linux image goes at 0x4008_0000
 * </pre>
 */
public final class ArmPlatform {
    /** GICv3 distributor. */
    public static final long GICD_BASE = 0x0800_0000L;
    /** Bytes of the distributor. */
    public static final long GICD_SIZE = 0x1_0000L;
    /** First GICv3 redistributor (vCPU 0's). */
    public static final long GICR_BASE = 0x080a_0000L;
    /** Bytes per redistributor (RD_base and SGI_base frames). */
    public static final long GICR_STRIDE = 0x2_0000L;
    /** End of the redistributor window. */
    public static final long GICR_END = 0x0900_0000L;
    /** The PL011 UART. */
    public static final long PL011_BASE = 0x0900_0000L;
    /** Bytes of the PL011. */
    public static final long PL011_SIZE = 0x1000L;
    /** The PL011's shared peripheral interrupt: SPI 1, INTID 33 (the device tree's {@code <0 1 4>}). */
    public static final int PL011_SPI = 1;
    /**
     * AxVM's hypercall doorbell: a store of any width here is a hypercall with the number in x0
     * and arguments in x1..x6; the result comes back in x0. It exists because KVM before Linux
     * 6.4 keeps every HVC to itself (see the module README).
     */
    public static final long HYPERCALL_DOORBELL = 0x0b00_0000L;
    /** Bytes of the doorbell page. */
    public static final long HYPERCALL_DOORBELL_SIZE = 0x1000L;
    /** Where RAM starts. */
    public static final long RAM_BASE = 0x4000_0000L;
    /** Where a Linux image is loaded (RAM + 512 KiB, as the arm64 boot protocol's text offset). */
    public static final long KERNEL_LOAD = 0x4008_0000L;
    /** INTID of the first shared peripheral interrupt. */
    public static final int FIRST_SPI_INTID = 32;
    /** Interrupts the vGIC is created with (INTIDs 0..255: 224 SPIs). */
    public static final int DEFAULT_INTERRUPT_COUNT = 256;

    /** PSCI_VERSION. */
    public static final int PSCI_VERSION = 0x8400_0000;
    /** PSCI CPU_OFF. */
    public static final int PSCI_CPU_OFF = 0x8400_0002;
    /** PSCI CPU_ON, SMC32 calling convention. */
    public static final int PSCI_CPU_ON_32 = 0x8400_0003;
    /** PSCI CPU_ON, SMC64 calling convention. */
    public static final int PSCI_CPU_ON_64 = 0xc400_0003;
    /** PSCI SYSTEM_OFF. */
    public static final int PSCI_SYSTEM_OFF = 0x8400_0008;
    /** PSCI SYSTEM_RESET. */
    public static final int PSCI_SYSTEM_RESET = 0x8400_0009;
    /** PSCI return: success. */
    public static final long PSCI_SUCCESS = 0;
    /** PSCI return: invalid parameters. */
    public static final long PSCI_INVALID_PARAMETERS = -2;
    /** PSCI return: the target is already on. */
    public static final long PSCI_ALREADY_ON = -4;
    /** SMCCC return for a call nobody implements. */
    public static final long SMCCC_NOT_SUPPORTED = -1;
    /** AxVisor's hypercall numbers (x0 of an HVC) that AxVM forwards where KVM allows: 0..0xffff. */
    public static final int HYPERCALL_FUNCTION_COUNT = 0x1_0000;

    /** PSTATE at entry: EL1h with D, A, I and F masked, as the arm64 boot protocol asks. */
    public static final long ENTRY_PSTATE = 0x3c5;

    private static final long AFFINITY_MASK = 0xff_00ff_ffffL;

    private ArmPlatform() {}

    /**
     * The MPIDR_EL1 that KVM gives the vCPU with index {@code vcpuIndex}, and that its PSCI and GIC
     * emulation address it by: Aff0 = index bits 0..3, Aff1 = bits 4..11, Aff2 = bits 12..19 (16
     * vCPUs per cluster, the GICv3 target-list limit), bit 31 set.
     */
    public static long mpidrOf(int vcpuIndex) {
        if (vcpuIndex < 0 || vcpuIndex >= 1 << 20) {
            throw new IllegalArgumentException("vCPU index " + vcpuIndex + " is outside 0..2^20-1");
        }
        return 1L << 31 | (long) ((vcpuIndex >>> 12) & 0xff) << 16 | (long) ((vcpuIndex >>> 4) & 0xff) << 8
                | (vcpuIndex & 0xf);
    }

    /** The affinity fields (Aff3..Aff0) of an MPIDR value: what identifies a CPU. */
    public static long affinity(long mpidr) {
        return mpidr & AFFINITY_MASK;
    }
}
