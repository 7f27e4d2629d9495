/*
 * Ports and addresses the x86_64 test guests use (linked at 0x8000; see the Makefile).
 * Kept in sync with X86TestGuests on the Java side.
 */
#define COM1 0x3f8
#define POWER_PORT 0x604
#define POWER_OFF 0x2000
#define REPORT_PORT 0x500        /* 32-bit OUTs of values the test checks */
#define INPUT_PORT 0x600         /* a port the test answers reads on */
#define HYPERCALL_PORT 0xe5      /* AxVM's x86 hypercall convention: RAX nr, RDI RSI RDX RCX R8 R9 args */
#define MMIO_BASE 0xd0000000     /* an address no memory slot backs */
