/*
 * What the aarch64 scenario guests (scenario-*.S) share: the machine they run on and a few
 * macros. `axvisor selftest` runs them (dev.axvm.axvisor.selftest); every value here is kept in
 * sync with ScenarioMachine and ScenarioDevice on the Java side.
 *
 * Entry: EL1h at 0x40080000 (the Makefile's link address), MMU off, DAIF masked, x0 = the boot
 * argument; a secondary vCPU starts the same way with its PSCI context in x0.
 * Registers: x28 holds the test device's base once scenario_cpu ran; the macros use x24..x27;
 * x20..x23 belong to interrupt handlers. Nothing else is touched behind the guest's back.
 */
#define PL011_BASE 0x09000000         /* the built-in PL011: DR at +0, FR at +0x18 (bit 5 TXFF) */
#define PL011_FR 0x18
#define HYPERCALL_DOORBELL 0x0b000000 /* AxVM's doorbell: a store is a hypercall, x0 nr, x1..x6 args, answer in x0 */
#define GICD_BASE 0x08000000          /* the in-kernel vGICv3 (QEMU virt layout) */
#define GICR_BASE 0x080a0000

#define PSCI_VERSION 0x84000000
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON 0xc4000003
#define PSCI_SYSTEM_OFF 0x84000008

/* GICv3 CPU interface registers by encoding (older assemblers lack the names). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7

/* The scenario test device (ScenarioDevice): an MMIO page no memory slot backs. */
#define SCENARIO_DEV 0x0c000000
#define DEV_DATA 0x000                /* 64 bytes of scratch registers: loads read what was stored there */
#define DEV_REPORT 0x100              /* each store is a value the host checks, in order, per vCPU */
#define DEV_RAISE 0x108               /* any store raises the device's interrupt line */
#define DEV_ACK 0x110                 /* any store lowers it: the guest acknowledges */
#define DEV_FAIL 0x118                /* a store of a FAIL_* code: the guest found something wrong */
#define IRQ_LINE 40                   /* the device's line: SPI 8, GIC INTID 40 */

/* What the guest reports on DEV_FAIL. */
#define FAIL_PAST_POWER_OFF 1         /* execution went on after the power-off request */
#define FAIL_NO_SECONDARY 2           /* the second vCPU never signalled */
#define FAIL_NO_INTERRUPT 3           /* the interrupt was never taken */
#define FAIL_EXCEPTION 4              /* an exception nobody expected (then ESR_EL1 and ELR_EL1 are reported) */
#define FAIL_HYPERCALL_ANSWER 5       /* a hypercall came back with the wrong answer */
#define FAIL_CPU_ON 6                 /* starting the second vCPU returned an error */
#define FAIL_PAST_CPU_OFF 7           /* a vCPU ran on after turning itself off */

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

#define SMP_ARG 0xc0ffee5eed          /* what the second vCPU is started with */
#define SMP_FLAG 0x5ec0               /* what it leaves in memory when it ran */
#define WAIT_LIMIT 0x40000000         /* iterations a guest waits for another vCPU or an interrupt */

/* Sets x28 to the test device and VBAR_EL1 to the guest's vector table; every vCPU does this first. */
.macro scenario_cpu
    ldr x28, =SCENARIO_DEV
    adr x27, vectors
    msr vbar_el1, x27
    isb
.endm

/* One 64-bit store of \reg on DEV_REPORT. */
.macro report reg
    str \reg, [x28, #DEV_REPORT]
.endm

/* Reports failure \code on DEV_FAIL (clobbers x27). */
.macro fail code
    mov x27, #\code
    str x27, [x28, #DEV_FAIL]
.endm

/* Waits until the doubleword at `flag` is non-zero and leaves it in x0; after WAIT_LIMIT polls it
 * reports FAIL_NO_SECONDARY and branches to \gave_up (clobbers x1, x2, x27). */
.macro await_flag gave_up
    ldr x1, =WAIT_LIMIT
    adr x2, flag
110:
    ldr x0, [x2]
    cbnz x0, 111f
    subs x1, x1, #1
    b.ne 110b
    fail FAIL_NO_SECONDARY
    b \gave_up
111:
.endm

/* Prints the NUL-terminated string at \msg on the PL011, polling FR.TXFF (clobbers x24..x27). */
.macro puts msg
    adr x25, \msg
    ldr x26, =PL011_BASE
100:
    ldrb w27, [x25], #1
    cbz w27, 102f
101:
    ldr w24, [x26, #PL011_FR]
    tbnz w24, #5, 101b
    strb w27, [x26]
    b 100b
102:
.endm

/* PSCI SYSTEM_OFF; what follows runs only if it did not (clobbers x0..x3). */
.macro power_off
    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
.endm

/* Powers off, and reports FAIL_PAST_POWER_OFF should the guest ever run on. */
.macro power_off_for_good
    power_off
    fail FAIL_PAST_POWER_OFF
103:
    wfi
    b 103b
.endm

/*
 * The vector table (label `vectors`, 2 KiB aligned): IRQs taken at EL1 with SP_EL1 go to \irq,
 * everything else to `unexpected`, which reports FAIL_EXCEPTION, ESR_EL1 and ELR_EL1 and powers off.
 */
.macro vector_table irq
unexpected:
    fail FAIL_EXCEPTION
    mrs x27, esr_el1
    report x27
    mrs x27, elr_el1
    report x27
    power_off
104:
    wfi
    b 104b

    .balign 2048
vectors:
    .rept 5                           /* current EL with SP0: sync, IRQ, FIQ, SError; with SPx: sync */
    b unexpected
    .balign 128
    .endr
    b \irq                            /* current EL with SPx: IRQ */
    .balign 128
    .rept 10
    b unexpected
    .balign 128
    .endr
.endm

/* The chaos scenario: boots the guest goes through (each but the last ends in a reset from every
   vCPU, the last in a power-off from every vCPU), and the exits each vCPU makes per boot. */
#define CHAOS_BOOTS 5
#define CHAOS_ITERATIONS 12000
#define FAIL_CHAOS_DATA 8             /* a scratch register read back something else than was stored */
#define PSCI_SYSTEM_RESET 0x84000009
