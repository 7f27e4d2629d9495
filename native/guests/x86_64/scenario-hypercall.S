/*
 * Scenario "hypercall": one hypercall with six arguments through AxVM's port convention (an OUT
 * to port 0xe5: RAX nr, RDI RSI RDX RCX R8 R9 args, answer in RAX; KVM keeps VMCALL to itself).
 * The answer is reported and checked here against HC_ANSWER; the verdict goes to COM1. Then
 * power-off.
 */
#include "scenario.h"
    .code64
    .globl _start
_start:
    scenario_cpu
    mov $HC_NR, %rax
    mov $HC_A0, %rdi
    mov $HC_A1, %rsi
    mov $HC_A2, %rdx
    mov $HC_A3, %rcx
    mov $HC_A4, %r8
    mov $HC_A5, %r9
    out %al, $HYPERCALL_PORT
    report %rax
    mov $HC_ANSWER, %rbx
    cmp %rbx, %rax
    jne 1f
    puts good
    jmp 2f
1:  fail FAIL_HYPERCALL_ANSWER
    puts bad
2:  power_off_for_good

good:
    .asciz "hypercall: port 0xe5 answered as expected\n"
bad:
    .asciz "hypercall: port 0xe5 gave a wrong answer\n"
