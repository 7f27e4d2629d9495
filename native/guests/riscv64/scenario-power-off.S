/*
 * Scenario "power-off", two harts. Hart 0 starts hart 1 (SBI HSM hart_start), waits (bounded)
 * until it runs, prints and powers off through SBI SRST while hart 1 spins in guest code without
 * ever exiting: the VM must stop with POWER_OFF all the same, and neither hart may run past that
 * point.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    li a7, SBI_EXT_HSM
    li a6, 0
    li a0, 1
    lla a1, secondary
    li a2, SMP_ARG
    ecall
    beqz a0, 1f
    fail FAIL_CPU_ON
    j 4f
1:  await_flag 4f
    puts message
4:  power_off_for_good

secondary:
    scenario_cpu
    lla t2, flag
    li t0, SMP_FLAG
    sd t0, 0(t2)
    fence rw, rw
5:  j 5b                                        /* spins in the guest: only a kick gets it out */

    trap_handler unexpected
message:
    .asciz "power-off: hart 1 spinning, hart 0 powers off\n"
    .balign 8
flag:
    .quad 0
