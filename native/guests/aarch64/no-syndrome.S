/*
 * A hostile guest: a load pair from MMIO, which a data abort describes
 * without an instruction syndrome, so KVM cannot emulate it.
 */
#include "conventions.h"
    .globl _start
_start:
    ldr x9, =TEST_MMIO
    ldp x0, x1, [x9]
    b .
