/*
 * Addresses and calls the aarch64 test guests use (linked at 0x40080000; see the Makefile).
 * Kept in sync with ArmPlatform and ArmTestGuests on the Java side.
 */
#define PL011_BASE 0x09000000         /* PL011 UART (QEMU virt layout), data register at +0 */
#define HYPERCALL_DOORBELL 0x0b000000 /* AxVM's hypercall doorbell: any store; x0 nr, x1..x6 args */
#define TEST_MMIO 0x0c000000          /* an address no memory slot backs */
#define REPORT 0x0c001000             /* 64-bit stores of values the test checks */
#define GICD_BASE 0x08000000
#define GICR_BASE 0x080a0000

#define PSCI_VERSION 0x84000000
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON 0xc4000003
#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_SYSTEM_RESET 0x84000009

/* GICv3 CPU interface registers by encoding (older assemblers lack the names). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
