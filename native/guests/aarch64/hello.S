/*
 * Prints a line on the PL011 and powers off through PSCI SYSTEM_OFF; with
 * the boot argument x0 == 1 it asks for SYSTEM_RESET instead. Reports x0 as
 * it found it on REPORT first.
 */
#include "conventions.h"
    .globl _start
_start:
    mov x19, x0
    ldr x10, =REPORT
    str x19, [x10]
    ldr x1, =PL011_BASE
    adr x2, message
1:  ldrb w3, [x2], #1
    cbz w3, 2f
    strb w3, [x1]
    b 1b
2:  ldr x0, =PSCI_SYSTEM_OFF
    cmp x19, #1
    b.ne 3f
    ldr x0, =PSCI_SYSTEM_RESET
3:  hvc #0
    b .
message:
    .asciz "Hello from aarch64\n"
