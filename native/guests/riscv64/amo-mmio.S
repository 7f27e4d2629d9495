/*
 * A hostile guest: an atomic read-modify-write on MMIO, which KVM cannot
 * emulate (it decodes only plain loads and stores).
 */
#include "conventions.h"
    .globl _start
_start:
    li a0, TEST_MMIO
    li t1, 1
    amoadd.w t0, t1, (a0)
    j .
