/*
 * Takes one interrupt through the vGICv3: enables the distributor, wakes
 * this vCPU's redistributor, routes SPI 5 (INTID 37, level) to MPIDR 0 in
 * group 1, opens the CPU interface, reports 0x4ead1 ("ready") and waits with
 * WFI. The IRQ handler reports the INTID it acknowledged and powers off.
 * Any other exception reports 0xbad, ESR_EL1 and ELR_EL1 and powers off.
 */
#include "conventions.h"
#include "gic.h"
#define INTID 37
    .globl _start
_start:
    ldr x10, =REPORT
    adr x0, vectors
    msr vbar_el1, x0
    gic_enable_spi INTID

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
