/*
 * MMIO stores of every width, then loads of every width, zero- and
 * sign-extending, each loaded register reported whole. Then SRST shutdown.
 */
#include "conventions.h"
    .globl _start
_start:
    li s0, TEST_MMIO
    li t0, 0x11
    sb t0, 0(s0)
    li t0, 0x2222
    sh t0, 2(s0)
    li t0, 0x33333333
    sw t0, 4(s0)
    li t0, 0x4444444455555555
    sd t0, 8(s0)

    lbu t0, 0x10(s0)
    REPORT_REG(t0)
    lhu t0, 0x12(s0)
    REPORT_REG(t0)
    lwu t0, 0x14(s0)
    REPORT_REG(t0)
    ld t0, 0x18(s0)
    REPORT_REG(t0)
    lb t0, 0x20(s0)
    REPORT_REG(t0)
    lh t0, 0x22(s0)
    REPORT_REG(t0)
    lw t0, 0x24(s0)
    REPORT_REG(t0)

    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
    j .
