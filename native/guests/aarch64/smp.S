/*
 * Two vCPUs. The first reports its MPIDR and the PSCI version, starts the
 * second with PSCI CPU_ON (target MPIDR affinity 1, entry `secondary`,
 * context 0xc0ffee) and reports the call's result, waits until the second
 * has run, reports the flag it left, and powers off. The second reports x0
 * (the context) and its MPIDR, sets the flag and turns itself off (CPU_OFF).
 */
#include "conventions.h"
    .globl _start
_start:
    ldr x10, =REPORT
    mrs x1, mpidr_el1
    str x1, [x10]
    ldr x0, =PSCI_VERSION
    hvc #0
    str x0, [x10]
    ldr x0, =PSCI_CPU_ON
    mov x1, #1
    adr x2, secondary
    ldr x3, =0xc0ffee
    hvc #0
    str x0, [x10]
    adr x5, flag
1:  ldr x6, [x5]
    cbz x6, 1b
    str x6, [x10]
    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
    b .

secondary:
    ldr x10, =REPORT
    str x0, [x10]
    mrs x1, mpidr_el1
    str x1, [x10]
    adr x5, flag
    ldr x6, =0x5ec0
    str x6, [x5]
    dsb sy
    ldr x0, =PSCI_CPU_OFF
    hvc #0
    b .

    .balign 8
flag:
    .quad 0
