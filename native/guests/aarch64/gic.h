#ifndef AXVM_GUEST_GIC_H
#define AXVM_GUEST_GIC_H
/*
 * The GICv3 set-up the interrupt guests share: the CPU interface's system registers on, the
 * distributor on (ARE, group 1), this vCPU's redistributor awake, SPI `intid` in group 1 at
 * priority 0xa0, level as reset, routed to affinity 0.0.0.0 and enabled, and the CPU interface
 * open (PMR 0xff, group 1 on). Uses x0-x3.
 */
.macro gic_enable_spi intid
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

    mov w0, #(1 << (\intid % 32))
    str w0, [x1, #(0x80 + 4 * (\intid / 32))]   /* GICD_IGROUPR: group 1 */
    mov w0, #0xa0
    strb w0, [x1, #(0x400 + \intid)]            /* GICD_IPRIORITYR */
    add x3, x1, #0x6000
    str xzr, [x3, #(8 * \intid)]                /* GICD_IROUTER: affinity 0.0.0.0 */
    mov w0, #(1 << (\intid % 32))
    str w0, [x1, #(0x100 + 4 * (\intid / 32))]  /* GICD_ISENABLER */

    mov x0, #0xff
    msr ICC_PMR_EL1, x0
    mov x0, #1
    msr ICC_IGRPEN1_EL1, x0
    isb
.endm
#endif
