/*
 * Two harts. Hart 0 reports its hart id, starts hart 1 with SBI HSM
 * hart_start (entry `secondary`, opaque 0xc0ffee) and reports the error code,
 * waits until hart 1 has run, reports the flag it left and shuts down. Hart 1
 * reports a0 (its hart id) and a1 (the opaque value), sets the flag and stops
 * itself (hart_stop).
 */
#include "conventions.h"
    .globl _start
_start:
    REPORT_REG(a0)
    li a7, SBI_EXT_HSM
    li a6, 0
    li a0, 1
    lla a1, secondary
    li a2, 0xc0ffee
    ecall
    REPORT_REG(a0)
    lla t0, flag
1:  ld t1, 0(t0)
    beqz t1, 1b
    REPORT_REG(t1)
    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
    j .

secondary:
    REPORT_REG(a0)
    REPORT_REG(a1)
    lla t0, flag
    li t1, 0x5ec0
    sd t1, 0(t0)
    fence rw, rw
    li a7, SBI_EXT_HSM
    li a6, 1
    ecall
    j .

    .balign 8
flag:
    .quad 0
