/*
 * Addresses and calls the riscv64 test guests use (linked at 0x80200000; see the Makefile).
 * Kept in sync with RiscvPlatform and RiscvTestGuests on the Java side.
 */
#define UART_BASE 0x10000000   /* 16550 (QEMU virt layout), THR at +0 */
#define TEST_MMIO 0x40000000   /* an address no memory slot backs */
#define REPORT 0x40001000      /* 64-bit stores of values the test checks */
#define ACK 0x40002000         /* interrupt acknowledge: the test lowers the line */

#define SBI_EXT_DBCN 0x4442434e
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_AXVISOR_HVC 0x485643  /* AxVisor's hypercall extension ("HVC") */
#define SBI_EXT_AXVM_HVC 0x08485643   /* AxVM's on KVM: the same in the experimental range */

/* report REG: one 64-bit store on REPORT (clobbers t6). */
#define REPORT_REG(reg) li t6, REPORT; sd reg, 0(t6)
