/*
 * MMIO stores of every width, then loads of every width, zero- and
 * sign-extending, each loaded register reported whole with a 64-bit store
 * on REPORT. Then PSCI SYSTEM_OFF.
 */
#include "conventions.h"
    .globl _start
_start:
    ldr x9, =TEST_MMIO
    ldr x10, =REPORT
    mov w0, #0x11
    strb w0, [x9]
    mov w0, #0x2222
    strh w0, [x9, #2]
    ldr w0, =0x33333333
    str w0, [x9, #4]
    ldr x0, =0x4444444455555555
    str x0, [x9, #8]

    ldr x0, =-1
    ldrb w0, [x9, #0x10]
    str x0, [x10]
    ldr x0, =-1
    ldrh w0, [x9, #0x12]
    str x0, [x10]
    ldr x0, =-1
    ldr w0, [x9, #0x14]
    str x0, [x10]
    ldr x0, [x9, #0x18]
    str x0, [x10]
    ldrsb x0, [x9, #0x20]
    str x0, [x10]
    ldrsh x0, [x9, #0x22]
    str x0, [x10]
    ldrsw x0, [x9, #0x24]
    str x0, [x10]
    ldrsb w0, [x9, #0x20]
    str x0, [x10]
    ldrsh w0, [x9, #0x22]
    str x0, [x10]

    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
    b .
