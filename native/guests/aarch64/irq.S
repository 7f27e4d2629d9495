/*
 * Takes one interrupt through the vGICv3: enables the distributor, wakes
 * this vCPU's redistributor, routes SPI 5 (INTID 37, level) to MPIDR 0 in
 * group 1, opens the CPU interface, reports 0x4ead1 ("ready") and waits with
 * WFI. The IRQ handler reports the INTID it acknowledged and powers off.
 * Any other exception reports 0xbad, ESR_EL1 and ELR_EL1 and powers off.
 */
#include "conventions.h"
#define INTID 37
    .globl _start
_start:
    ldr x10, =REPORT
    adr x0, vectors
    msr vbar_el1, x0
    mrs x0, ICC_SRE_EL1
    orr x0, x0, #1
    msr ICC_SRE_EL1, x0
    isb

    ldr x1, =GICD_BASE
    mov w0, #0x12                  /* GICD_CTLR: ARE | EnableGrp1 */
    str w0, [x1]
    ldr x2, =GICR_BASE
    ldr w0, [x2, #0x14]            /* GICR_WAKER: clear ProcessorSleep */
    bic w0, w0, #2
    str w0, [x2, #0x14]
1:  ldr w0, [x2, #0x14]
    tbnz w0, #2, 1b                /* until ChildrenAsleep clears */

    mov w0, #(1 << (INTID % 32))
    str w0, [x1, #(0x80 + 4 * (INTID / 32))]   /* GICD_IGROUPR: group 1 */
    mov w0, #0xa0
    strb w0, [x1, #(0x400 + INTID)]            /* GICD_IPRIORITYR */
    add x3, x1, #0x6000
    str xzr, [x3, #(8 * INTID)]                /* GICD_IROUTER: affinity 0.0.0.0 */
    mov w0, #(1 << (INTID % 32))
    str w0, [x1, #(0x100 + 4 * (INTID / 32))]  /* GICD_ISENABLER */

    mov x0, #0xff
    msr ICC_PMR_EL1, x0
    mov x0, #1
    msr ICC_IGRPEN1_EL1, x0
    isb

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
    .rept 5                        /* current EL with SP0: sync irq fiq serror; with SPx: sync */
    b unexpected
    .balign 128
    .endr
    b irq                          /* current EL with SPx: IRQ */
    .balign 128
    .rept 10
    b unexpected
    .balign 128
    .endr
