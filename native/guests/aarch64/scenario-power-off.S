/*
 * Scenario "power-off", two vCPUs. vCPU 0 starts vCPU 1 (PSCI CPU_ON), waits (bounded) until it
 * runs, prints and powers off through PSCI SYSTEM_OFF while vCPU 1 spins in guest code without
 * ever exiting: the VM must stop with POWER_OFF all the same, and neither vCPU may run past that
 * point.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    ldr x0, =PSCI_CPU_ON
    mov x1, #1
    adr x2, secondary
    ldr x3, =SMP_ARG
    hvc #0
    cbz x0, 1f
    fail FAIL_CPU_ON
    b 4f
1:  await_flag 4f
    puts message
4:  power_off_for_good

secondary:
    scenario_cpu
    adr x2, flag
    ldr x0, =SMP_FLAG
    str x0, [x2]
    dsb sy
5:  b 5b                                        /* spins in the guest: only a kick gets it out */

message:
    .asciz "power-off: vCPU 1 spinning, vCPU 0 powers off\n"
    .balign 8
flag:
    .quad 0
    vector_table unexpected
