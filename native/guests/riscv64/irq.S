/*
 * Takes one S-mode external interrupt: installs a trap handler, enables
 * sie.SEIE, reports 0x4ead1 ("ready"), enables interrupts and waits with
 * WFI. The handler reports scause, acknowledges with a store to ACK (the
 * test lowers the line there, as a PLIC claim would) and shuts down.
 */
#include "conventions.h"
    .globl _start
_start:
    lla t0, trap
    csrw stvec, t0
    li t0, 1 << 9
    csrs sie, t0
    li t0, 0x4ead1
    REPORT_REG(t0)
    csrsi sstatus, 2
1:  wfi
    j 1b

    .balign 4
trap:
    csrr t0, scause
    REPORT_REG(t0)
    li t1, ACK
    sd zero, 0(t1)
    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
    j .
