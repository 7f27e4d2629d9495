/*
 * Scenario "smp", two vCPUs. vCPU 0 reports its MPIDR, prints, starts vCPU 1 with PSCI CPU_ON
 * (target MPIDR affinity 1, entry `secondary`, context SMP_ARG), reports the status, waits
 * (bounded) for vCPU 1's flag, reports it, prints and powers off. vCPU 1 reports its context (x0)
 * and MPIDR, prints, sets the flag and turns itself off with PSCI CPU_OFF.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    mrs x0, mpidr_el1
    report x0
    puts cpu0_message
    ldr x0, =PSCI_CPU_ON
    mov x1, #1
    adr x2, secondary
    ldr x3, =SMP_ARG
    hvc #0
    report x0
    cbz x0, 1f
    fail FAIL_CPU_ON
    b 4f
1:  await_flag 4f
    report x0
    puts done_message
4:  power_off_for_good

secondary:
    mov x19, x0
    scenario_cpu
    report x19
    mrs x0, mpidr_el1
    report x0
    puts cpu1_message
    adr x2, flag
    ldr x0, =SMP_FLAG
    str x0, [x2]
    dsb sy
    ldr x0, =PSCI_CPU_OFF
    hvc #0
    fail FAIL_PAST_CPU_OFF
5:  wfi
    b 5b

cpu0_message:
    .asciz "smp: vCPU 0 up, starting vCPU 1\n"
cpu1_message:
    .asciz "smp: vCPU 1 up\n"
done_message:
    .asciz "smp: vCPU 1 done\n"
    .balign 8
flag:
    .quad 0
    vector_table unexpected
