/*
 * Scenario "interrupt", for a VM with the in-kernel vGICv3 (interrupt_mode "emulated"). The guest
 * enables the distributor (affinity routing, group 1), wakes its redistributor, makes IRQ_LINE a
 * level-sensitive group 1 SPI routed to affinity 0.0.0.0 and enables it, opens its CPU interface
 * (priority mask, group 1 enable), asks the test device to raise its line (DEV_RAISE) and waits
 * (bounded) with IRQs unmasked. The handler acknowledges (ICC_IAR1_EL1) and reports the INTID,
 * acknowledges the device (DEV_ACK lowers the line), ends the interrupt (ICC_EOIR1_EL1) and
 * returns; the guest then prints and powers off.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    mrs x0, ICC_SRE_EL1
    orr x0, x0, #1                              /* system-register access to the CPU interface */
    msr ICC_SRE_EL1, x0
    isb

    ldr x1, =GICD_BASE
    mov w0, #0x12                               /* GICD_CTLR: ARE | EnableGrp1 */
    str w0, [x1]
    ldr x2, =GICR_BASE
    ldr w0, [x2, #0x14]                         /* GICR_WAKER: clear ProcessorSleep */
    bic w0, w0, #2
    str w0, [x2, #0x14]
1:  ldr w0, [x2, #0x14]
    tbnz w0, #2, 1b                             /* until ChildrenAsleep clears */

    ldr w0, [x1, #(0xc00 + 4 * (IRQ_LINE / 16))] /* GICD_ICFGR: level-sensitive */
    bic w0, w0, #(2 << (2 * (IRQ_LINE % 16)))
    str w0, [x1, #(0xc00 + 4 * (IRQ_LINE / 16))]
    ldr w0, [x1, #(0x80 + 4 * (IRQ_LINE / 32))]  /* GICD_IGROUPR: group 1 */
    orr w0, w0, #(1 << (IRQ_LINE % 32))
    str w0, [x1, #(0x80 + 4 * (IRQ_LINE / 32))]
    mov w0, #0xa0
    strb w0, [x1, #(0x400 + IRQ_LINE)]          /* GICD_IPRIORITYR */
    add x3, x1, #0x6000
    str xzr, [x3, #(8 * IRQ_LINE)]              /* GICD_IROUTER: affinity 0.0.0.0 */
    mov w0, #(1 << (IRQ_LINE % 32))
    str w0, [x1, #(0x100 + 4 * (IRQ_LINE / 32))] /* GICD_ISENABLER */

    mov x0, #0xff
    msr ICC_PMR_EL1, x0
    mov x0, #1
    msr ICC_IGRPEN1_EL1, x0
    isb

    adr x9, taken
    str xzr, [x9]
    mov x0, #1
    str x0, [x28, #DEV_RAISE]
    msr daifclr, #2
    ldr x1, =WAIT_LIMIT
2:  ldr x0, [x9]
    cbnz x0, 3f
    subs x1, x1, #1
    b.ne 2b
    msr daifset, #2
    fail FAIL_NO_INTERRUPT
    b 4f
3:  msr daifset, #2
    puts message
4:  power_off_for_good

irq:
    mrs x20, ICC_IAR1_EL1
    report x20
    mov x21, #1
    str x21, [x28, #DEV_ACK]
    msr ICC_EOIR1_EL1, x20
    adr x22, taken
    str x21, [x22]
    eret

message:
    .asciz "interrupt: INTID 40 taken through the vGICv3\n"
    .balign 8
taken:
    .quad 0
    vector_table irq
