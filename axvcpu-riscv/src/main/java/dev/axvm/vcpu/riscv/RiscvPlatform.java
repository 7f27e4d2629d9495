package dev.axvm.vcpu.riscv;

/**
 * The riscv64 machine this backend builds, with QEMU {@code virt}'s addresses (which AxVisor's
 * riscv64 guest configs use too), and the SBI extensions the VMM serves.
 *
 * <pre>
 * 0x0c00_0000  PLIC (a user-space device; KVM's AIA where the host has it)
 * 0x1000_0000  16550 UART (256 bytes), PLIC source 10
 * 0x8000_0000  RAM; a Linux image goes at 0x8020_0000
 * </pre>
 */
public final class RiscvPlatform {
    /** The 16550 UART. */
    public static final long UART_BASE = 0x1000_0000L;
    /** Bytes of the UART. */
    public static final long UART_SIZE = 0x100L;
    /** The UART's PLIC interrupt source. */
    public static final int UART_IRQ = 10;
    /** The PLIC's registers (QEMU virt). */
    public static final long PLIC_BASE = 0x0c00_0000L;
    /** Where RAM starts. */
    public static final long RAM_BASE = 0x8000_0000L;
    /** Where a Linux image is loaded (RAM + 2 MiB, after where an SBI firmware would sit). */
    public static final long KERNEL_LOAD = 0x8020_0000L;

    /** SBI extension: debug console ("DBCN"). */
    public static final long SBI_EXT_DBCN = 0x4442_434eL;
    /** SBI extension: hart state management ("HSM"). */
    public static final long SBI_EXT_HSM = 0x48_534dL;
    /** SBI extension: system reset ("SRST"). */
    public static final long SBI_EXT_SRST = 0x5352_5354L;
    /** AxVisor's hypercall extension ("HVC"): number in a6, arguments a0..a5. */
    public static final long SBI_EXT_AXVISOR_HVC = 0x48_5643L;
    /**
     * AxVM's hypercall extension on KVM: AxVisor's id in the experimental range
     * (0x0800_0000..0x08ff_ffff), which KVM always forwards to user space. KVM answers AxVisor's
     * own id itself with NOT_SUPPORTED (see the module README).
     */
    public static final long SBI_EXT_AXVM_HVC = 0x0848_5643L;

    /** DBCN function: write a buffer. */
    public static final long DBCN_WRITE = 0;
    /** DBCN function: read into a buffer. */
    public static final long DBCN_READ = 1;
    /** DBCN function: write one byte. */
    public static final long DBCN_WRITE_BYTE = 2;

    /** SBI success. */
    public static final long SBI_SUCCESS = 0;
    /** SBI_ERR_FAILED. */
    public static final long SBI_ERR_FAILED = -1;
    /** SBI_ERR_NOT_SUPPORTED. */
    public static final long SBI_ERR_NOT_SUPPORTED = -2;
    /** SBI_ERR_INVALID_PARAM. */
    public static final long SBI_ERR_INVALID_PARAM = -3;

    /** The S-mode external interrupt (scause code 9): the one a PLIC or APLIC raises. */
    public static final int IRQ_S_EXT = 9;

    private RiscvPlatform() {}
}
