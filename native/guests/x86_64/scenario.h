/*
 * What the x86_64 scenario guests (scenario-*.S) share: the machine they run on and a few
 * macros. `axvisor selftest` runs them (dev.axvm.axvisor.selftest); every value here is kept in
 * sync with ScenarioMachine and ScenarioDevice on the Java side.
 *
 * Entry: 64-bit long mode at 0x8000 (the Makefile's link address), the first 4 GiB identity-mapped
 * by AxVM (X86EntryState), RSP = 0x1000 with the stack below it, interrupts off, no IDT. A
 * secondary vCPU starts the same way with its start argument in RDI.
 * Registers: %r15 holds the test device's base once scenario_cpu ran; the
 * macros clobber only what they say.
 */
#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)          /* line status: bit 5, transmit holding register empty */
#define POWER_PORT 0x604              /* QEMU's and AxVisor's ACPI-style power-off: write 0x2000 */
#define POWER_OFF 0x2000
#define HYPERCALL_PORT 0xe5           /* AxVM: RAX nr, RDI RSI RDX RCX R8 R9 args, answer in RAX */
#define PLATFORM_PORT 0xe6            /* AxVM: RAX function (CPU_ON 0, CPU_OFF 1), RDI RSI RDX args */
#define PLATFORM_CPU_ON 0
#define PLATFORM_CPU_OFF 1
#define IOAPIC_BASE 0xfec00000        /* KVM's in-kernel IOAPIC: IOREGSEL at +0, IOWIN at +0x10 */
#define LAPIC_BASE 0xfee00000
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0

/* The scenario test device (ScenarioDevice): an MMIO page no memory slot backs. */
#define SCENARIO_DEV 0xd0000000
#define DEV_DATA 0x000                /* 64 bytes of scratch registers: loads read what was stored there */
#define DEV_REPORT 0x100              /* each store is a value the host checks, in order, per vCPU */
#define DEV_RAISE 0x108               /* any store raises the device's interrupt line */
#define DEV_ACK 0x110                 /* any store lowers it: the guest acknowledges */
#define DEV_FAIL 0x118                /* a store of a FAIL_* code: the guest found something wrong */
#define IRQ_LINE 20                   /* the device's line: IOAPIC input (GSI) 20, which no PIC input shares */

/* What the guest reports on DEV_FAIL. */
#define FAIL_PAST_POWER_OFF 1         /* execution went on after the power-off request */
#define FAIL_NO_SECONDARY 2           /* the second vCPU never signalled */
#define FAIL_NO_INTERRUPT 3           /* the interrupt was never taken */
#define FAIL_EXCEPTION 4              /* an exception or interrupt nobody expected */
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

/* Sets %r15 to the test device; every vCPU does this first. */
.macro scenario_cpu
    mov $SCENARIO_DEV, %r15
.endm

/* One 64-bit store of \reg on DEV_REPORT. */
.macro report reg
    mov \reg, DEV_REPORT(%r15)
.endm

/* Reports failure \code on DEV_FAIL. */
.macro fail code
    movq $\code, DEV_FAIL(%r15)
.endm

/* Waits until the quadword at `flag` is non-zero and leaves it in %rax; after WAIT_LIMIT polls it
 * reports FAIL_NO_SECONDARY and jumps to \gave_up (clobbers rcx). */
.macro await_flag gave_up
    mov $WAIT_LIMIT, %rcx
110:
    mov flag(%rip), %rax
    test %rax, %rax
    jnz 111f
    pause
    dec %rcx
    jnz 110b
    fail FAIL_NO_SECONDARY
    jmp \gave_up
111:
.endm

/* Prints the NUL-terminated string at \msg on COM1, polling LSR.THRE (clobbers rax, rdx, rsi). */
.macro puts msg
    lea \msg(%rip), %rsi
100:
    lodsb
    test %al, %al
    jz 102f
    mov %al, %ah
    mov $COM1_LSR, %dx
101:
    in %dx, %al
    test $0x20, %al
    jz 101b
    mov %ah, %al
    mov $COM1, %dx
    out %al, %dx
    jmp 100b
102:
.endm

/* Powers the machine off; what follows runs only if it did not (clobbers rax, rdx). */
.macro power_off
    mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
.endm

/* Powers off, and reports FAIL_PAST_POWER_OFF should the guest ever run on. */
.macro power_off_for_good
    power_off
    fail FAIL_PAST_POWER_OFF
103:
    hlt
    jmp 103b
.endm

/* The chaos scenario: boots the guest goes through (each but the last ends in a reset from every
   vCPU, the last in a power-off from every vCPU), and the exits each vCPU makes per boot. */
#define CHAOS_BOOTS 5
#define CHAOS_ITERATIONS 12000
#define FAIL_CHAOS_DATA 8             /* a scratch register read back something else than was stored */
#define PLATFORM_SYSTEM_OFF 2
#define PLATFORM_SYSTEM_RESET 3
