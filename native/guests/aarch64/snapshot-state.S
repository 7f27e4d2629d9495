/*
 * A sequence that lives only in state a snapshot must carry: each step spins
 * a while, then advances an LCG in x19, adds x21 to the bits of d8,
 * increments TPIDR_EL1, and reports d8 ^ x19 ^ TPIDR_EL1. Before the steps it
 * sets up the vGICv3 as irq.S does (SPI 5, INTID 37, level, group 1, routed
 * to MPIDR 0) with IRQs masked; after STEPS steps it reports 0x4ead1
 * ("ready"), unmasks IRQs and waits. The IRQ handler reports the INTID it
 * acknowledged and powers off. So a host that raised INTID 37 while the
 * guest stepped sees it taken only if the distributor, the redistributor,
 * the CPU interface and the line's level and pending state all came through.
 * Any other exception reports 0xbad, ESR_EL1, ELR_EL1 and powers off.
 */
#include "conventions.h"
#include "gic.h"
#define INTID 37
#define STEPS 24
#define SPIN 200000
    .globl _start
_start:
    ldr x10, =REPORT
    adr x0, vectors
    msr vbar_el1, x0
    mov x0, #(3 << 20)             /* CPACR_EL1.FPEN: FP/SIMD without traps */
    msr cpacr_el1, x0
    gic_enable_spi INTID

    ldr x19, =0x9e3779b97f4a7c15
    ldr x0, =0x0123456789abcdef
    fmov d8, x0
    ldr x21, =0x0fedcba987654321
    ldr x0, =0x5eed0000
    msr tpidr_el1, x0
    mov x22, #0                    /* steps done */
    ldr x23, =6364136223846793005
    ldr x24, =1442695040888963407
step:
    ldr x0, =SPIN                  /* a while between steps, for a host to stop the vCPU in */
1:  subs x0, x0, #1
    b.ne 1b
    madd x19, x19, x23, x24
    fmov x0, d8
    add x0, x0, x21
    fmov d8, x0
    mrs x1, tpidr_el1
    add x1, x1, #1
    msr tpidr_el1, x1
    eor x0, x0, x19
    eor x0, x0, x1
    str x0, [x10]
    add x22, x22, #1
    cmp x22, #STEPS
    b.lt step

    ldr x0, =0x4ead1
    str x0, [x10]
    msr daifclr, #2
2:  wfi
    b 2b

irq:
    mrs x0, ICC_IAR1_EL1
    str x0, [x10]
    msr ICC_EOIR1_EL1, x0
    b off

unexpected:
    ldr x0, =0xbad
    str x0, [x10]
    mrs x0, esr_el1
    str x0, [x10]
    mrs x0, elr_el1
    str x0, [x10]
off:
    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
    b .

    .balign 2048
vectors:
    .rept 5
    b unexpected
    .balign 128
    .endr
    b irq
    .balign 128
    .rept 10
    b unexpected
    .balign 128
    .endr
