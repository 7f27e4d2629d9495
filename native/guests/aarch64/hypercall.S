/*
 * Two hypercalls with number 0x42 and six arguments: first through AxVM's
 * doorbell (a store to HYPERCALL_DOORBELL), then AxVisor's way, HVC #0 with
 * the number in x0, which reaches the VMM only where KVM forwards it (SMCCC
 * filter, Linux 6.4+) and otherwise comes back from KVM as NOT_SUPPORTED (-1).
 * After each, x0 and then x1..x6 are reported. Then PSCI SYSTEM_OFF.
 */
#include "conventions.h"
    .globl _start
_start:
    ldr x10, =REPORT
    ldr x9, =HYPERCALL_DOORBELL
    bl load_args
    str xzr, [x9]
    bl report_regs

    bl load_args
    hvc #0
    bl report_regs

    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
    b .

load_args:
    mov x0, #0x42
    mov x1, #0x1111
    mov x2, #0x2222
    mov x3, #0x3333
    mov x4, #0x4444
    mov x5, #0x5555
    mov x6, #0x6666
    ret

report_regs:
    str x0, [x10]
    str x1, [x10]
    str x2, [x10]
    str x3, [x10]
    str x4, [x10]
    str x5, [x10]
    str x6, [x10]
    ret
