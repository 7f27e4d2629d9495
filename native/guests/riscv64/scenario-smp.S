/*
 * Scenario "smp", two harts. Hart 0 reports its hart id (a0), prints, starts hart 1 with SBI HSM
 * hart_start (entry `secondary`, opaque SMP_ARG), reports the error code, waits (bounded) for hart
 * 1's flag, reports it, prints and powers off. Hart 1 reports its opaque value (a1) and hart id
 * (a0), prints, sets the flag and stops itself with hart_stop.
 */
#include "scenario.h"
    .globl _start
_start:
    mv s0, a0
    scenario_cpu
    report s0
    puts cpu0_message
    li a7, SBI_EXT_HSM
    li a6, 0
    li a0, 1
    lla a1, secondary
    li a2, SMP_ARG
    ecall
    report a0
    beqz a0, 1f
    fail FAIL_CPU_ON
    j 4f
1:  await_flag 4f
    report t0
    puts done_message
4:  power_off_for_good

secondary:
    mv s0, a0
    mv s1, a1
    scenario_cpu
    report s1
    report s0
    puts cpu1_message
    lla t2, flag
    li t0, SMP_FLAG
    sd t0, 0(t2)
    fence rw, rw
    li a7, SBI_EXT_HSM
    li a6, 1
    ecall
    fail FAIL_PAST_CPU_OFF
5:  wfi
    j 5b

    trap_handler unexpected
cpu0_message:
    .asciz "smp: hart 0 up, starting hart 1\n"
cpu1_message:
    .asciz "smp: hart 1 up\n"
done_message:
    .asciz "smp: hart 1 done\n"
    .balign 8
flag:
    .quad 0
