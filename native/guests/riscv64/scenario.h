/*
 * What the riscv64 scenario guests (scenario-*.S) share: the machine they run on and a few
 * macros. `axvisor selftest` runs them (dev.axvm.axvisor.selftest); every value here is kept in
 * sync with ScenarioMachine and ScenarioDevice on the Java side.
 *
 * Entry: S-mode at 0x80200000 (the Makefile's link address), satp = 0, interrupts off, a0 = hart
 * id, a1 = the boot argument; a secondary hart started by SBI HSM gets a0 = hart id, a1 = opaque.
 * Registers: s11 holds the test device's base once scenario_cpu ran; the macros use t3..t6;
 * s8..s10 belong to trap handlers. Nothing else is touched behind the guest's back.
 */
#define UART_BASE 0x10000000          /* the built-in 16550: THR at +0, LSR at +5 (bit 5 THRE) */
#define UART_LSR 5
#define PLIC_BASE 0x0c000000          /* AxVM's user-space PLIC (QEMU virt layout); context 1 = hart 0, S-mode */
#define PLIC_ENABLE_CTX1 0x2080
#define PLIC_THRESHOLD_CTX1 0x201000
#define PLIC_CLAIM_CTX1 0x201004

#define SBI_EXT_HSM 0x48534d          /* function 0 hart_start (a0 hart, a1 entry, a2 opaque), 1 hart_stop */
#define SBI_EXT_SRST 0x53525354       /* function 0 system_reset (a0 type: 0 shutdown) */
#define SBI_EXT_AXVISOR_HVC 0x485643  /* AxVisor's hypercall extension: a6 nr, a0..a5 args */
#define SBI_EXT_AXVM_HVC 0x08485643   /* AxVM's on KVM: the same in the experimental range KVM forwards */
#define SBI_ERR_NOT_SUPPORTED -2
#define SCAUSE_S_EXTERNAL 0x8000000000000009

/* The scenario test device (ScenarioDevice): an MMIO page no memory slot backs. */
#define SCENARIO_DEV 0x40000000
#define DEV_DATA 0x000                /* 64 bytes of scratch registers: loads read what was stored there */
#define DEV_REPORT 0x100              /* each store is a value the host checks, in order, per vCPU */
#define DEV_RAISE 0x108               /* any store raises the device's interrupt line */
#define DEV_ACK 0x110                 /* any store lowers it: the guest acknowledges */
#define DEV_FAIL 0x118                /* a store of a FAIL_* code: the guest found something wrong */
#define IRQ_LINE 7                    /* the device's line: PLIC source 7 */

/* What the guest reports on DEV_FAIL. */
#define FAIL_PAST_POWER_OFF 1         /* execution went on after the power-off request */
#define FAIL_NO_SECONDARY 2           /* the second hart never signalled */
#define FAIL_NO_INTERRUPT 3           /* the interrupt was never taken */
#define FAIL_EXCEPTION 4              /* a trap nobody expected (then scause, sepc and stval are reported) */
#define FAIL_HYPERCALL_ANSWER 5       /* a hypercall came back with the wrong answer */
#define FAIL_CPU_ON 6                 /* starting the second hart returned an error */
#define FAIL_PAST_CPU_OFF 7           /* a hart ran on after stopping itself */

/* The hypercall scenario: number, six arguments and the answer AxVM's handler gives:
   nr + 1*a0 + 2*a1 + 3*a2 + 4*a3 + 5*a4 + 6*a5 (mod 2^64). */
#define HC_NR 0x41
#define HC_A0 0x1000000000000001
#define HC_A1 0x2000000000000020
#define HC_A2 0x3000000000000300
#define HC_A3 0x4000000000004000
#define HC_A4 0x5000000000050000
#define HC_A5 0x6000000000600000
#define HC_ANSWER 0xb0000000025a0982

#define SMP_ARG 0xc0ffee5eed          /* what the second hart is started with */
#define SMP_FLAG 0x5ec0               /* what it leaves in memory when it ran */
#define WAIT_LIMIT 0x40000000         /* iterations a guest waits for another hart or an interrupt */

/* Sets s11 to the test device and stvec to `trap`; every hart does this first (clobbers t3). */
.macro scenario_cpu
    li s11, SCENARIO_DEV
    lla t3, trap
    csrw stvec, t3
.endm

/* One 64-bit store of \reg on DEV_REPORT. */
.macro report reg
    sd \reg, DEV_REPORT(s11)
.endm

/* Reports failure \code on DEV_FAIL (clobbers t6). */
.macro fail code
    li t6, \code
    sd t6, DEV_FAIL(s11)
.endm

/* Waits until the doubleword at `flag` is non-zero and leaves it in t0; after WAIT_LIMIT polls it
 * reports FAIL_NO_SECONDARY and jumps to \gave_up (clobbers t1, t2, t6). */
.macro await_flag gave_up
    li t1, WAIT_LIMIT
    lla t2, flag
110:
    ld t0, 0(t2)
    bnez t0, 111f
    addi t1, t1, -1
    bnez t1, 110b
    fail FAIL_NO_SECONDARY
    j \gave_up
111:
.endm

/* Prints the NUL-terminated string at \msg on the 16550, polling LSR.THRE (clobbers t3..t6). */
.macro puts msg
    lla t3, \msg
    li t4, UART_BASE
100:
    lbu t5, 0(t3)
    beqz t5, 102f
101:
    lbu t6, UART_LSR(t4)
    andi t6, t6, 0x20
    beqz t6, 101b
    sb t5, 0(t4)
    addi t3, t3, 1
    j 100b
102:
.endm

/* SBI SRST shutdown; what follows runs only if it did not (clobbers a0, a1, a6, a7). */
.macro power_off
    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
.endm

/* Powers off, and reports FAIL_PAST_POWER_OFF should the guest ever run on. */
.macro power_off_for_good
    power_off
    fail FAIL_PAST_POWER_OFF
103:
    wfi
    j 103b
.endm

/*
 * The trap handler (label `trap`, 4-byte aligned): S-mode external interrupts go to \external,
 * everything else to `unexpected`, which reports FAIL_EXCEPTION, scause, sepc and stval and
 * powers off.
 */
.macro trap_handler external
    .balign 4
trap:
    csrr s8, scause
    li s9, SCAUSE_S_EXTERNAL
    beq s8, s9, \external
unexpected:
    fail FAIL_EXCEPTION
    csrr s8, scause
    report s8
    csrr s8, sepc
    report s8
    csrr s8, stval
    report s8
    power_off
104:
    wfi
    j 104b
.endm

/* The chaos scenario: boots the guest goes through (each but the last ends in a reset from every
   vCPU, the last in a power-off from every vCPU), and the exits each vCPU makes per boot. */
#define CHAOS_BOOTS 5
#define CHAOS_ITERATIONS 12000
#define FAIL_CHAOS_DATA 8             /* a scratch register read back something else than was stored */
