/*
 * Scenario "power-off", two vCPUs. vCPU 0 starts vCPU 1 (AxVM's platform call CPU_ON), waits
 * (bounded) until it runs, prints and powers off through port 0x604 while vCPU 1 spins in guest
 * code without ever exiting: the VM must stop with POWER_OFF all the same, and neither vCPU may
 * run past that point.
 */
#include "scenario.h"
    .code64
    .globl _start
_start:
    scenario_cpu
    mov $PLATFORM_CPU_ON, %eax
    mov $1, %rdi
    lea secondary(%rip), %rsi
    mov $SMP_ARG, %rdx
    out %al, $PLATFORM_PORT
    test %rax, %rax
    jz 1f
    fail FAIL_CPU_ON
    jmp 4f
1:  await_flag 4f
    puts message
4:  power_off_for_good

secondary:
    scenario_cpu
    movq $SMP_FLAG, flag(%rip)
5:  jmp 5b                                   /* spins in the guest: only a kick gets it out */

message:
    .asciz "power-off: vCPU 1 spinning, vCPU 0 powers off\n"
    .balign 8
flag:
    .quad 0
