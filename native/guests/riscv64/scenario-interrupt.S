/*
 * Scenario "interrupt", for a VM with an interrupt controller (interrupt_mode "emulated"): on KVM
 * without AIA that is AxVM's user-space PLIC at 0x0c000000, driving each hart's S-mode external
 * interrupt. The guest gives source IRQ_LINE priority 1, enables it for context 1 (hart 0,
 * S-mode) with threshold 0, enables sie.SEIE, asks the test device to raise its line (DEV_RAISE)
 * and waits (bounded) with sstatus.SIE on. The handler claims and reports the source,
 * acknowledges the device (DEV_ACK lowers the line), completes the claim and returns (sret); the
 * guest then prints and powers off.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    li t0, PLIC_BASE
    li t1, 1
    sw t1, (4 * IRQ_LINE)(t0)                   /* priority */
    li t2, PLIC_ENABLE_CTX1
    add t2, t2, t0
    li t1, 1 << IRQ_LINE
    sw t1, 0(t2)                                /* enable bits of sources 0..31 */
    li t2, PLIC_THRESHOLD_CTX1
    add t2, t2, t0
    sw zero, 0(t2)

    lla s1, taken
    sd zero, 0(s1)
    li t0, 1 << 9
    csrs sie, t0                                /* SEIE */
    li t0, 1
    sd t0, DEV_RAISE(s11)
    csrsi sstatus, 2                            /* SIE */
    li t1, WAIT_LIMIT
1:  ld t0, 0(s1)
    bnez t0, 2f
    addi t1, t1, -1
    bnez t1, 1b
    csrci sstatus, 2
    fail FAIL_NO_INTERRUPT
    j 3f
2:  csrci sstatus, 2
    puts message
3:  power_off_for_good

external:
    li s9, PLIC_BASE
    li s10, PLIC_CLAIM_CTX1
    add s9, s9, s10
    lw s8, 0(s9)                                /* claim */
    report s8
    li s10, 1
    sd s10, DEV_ACK(s11)
    sw s8, 0(s9)                                /* complete */
    lla s9, taken
    sd s10, 0(s9)
    sret

    trap_handler external
message:
    .asciz "interrupt: PLIC source 7 taken as an S-mode external interrupt\n"
    .balign 8
taken:
    .quad 0
