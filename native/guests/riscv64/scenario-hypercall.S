/*
 * Scenario "hypercall": a hypercall with six arguments (a6 nr, a0..a5 args, answer in a0), twice.
 * First with AxVisor's extension id 0x485643, which KVM answers itself with NOT_SUPPORTED (-2)
 * unless it forwards it; then with AxVM's 0x08485643, in the experimental range that KVM always
 * forwards. Each a0 is reported; AxVM's answer is checked here against HC_ANSWER, and so is
 * AxVisor's unless it is NOT_SUPPORTED. The verdicts go to the 16550. Then power-off.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    li s2, HC_ANSWER
    li a7, SBI_EXT_AXVISOR_HVC
    call hypercall
    report a0
    li t0, SBI_ERR_NOT_SUPPORTED
    beq a0, t0, 2f
    bne a0, s2, 1f
    puts axvisor_good
    j 3f
1:  fail FAIL_HYPERCALL_ANSWER
    puts axvisor_bad
    j 3f
2:  puts axvisor_not_forwarded

3:  li a7, SBI_EXT_AXVM_HVC
    call hypercall
    report a0
    bne a0, s2, 4f
    puts axvm_good
    j 5f
4:  fail FAIL_HYPERCALL_ANSWER
    puts axvm_bad
5:  power_off_for_good

hypercall:
    li a6, HC_NR
    li a0, HC_A0
    li a1, HC_A1
    li a2, HC_A2
    li a3, HC_A3
    li a4, HC_A4
    li a5, HC_A5
    ecall
    ret

    trap_handler unexpected
axvisor_good:
    .asciz "hypercall: EID 0x485643 answered as expected\n"
axvisor_bad:
    .asciz "hypercall: EID 0x485643 gave a wrong answer\n"
axvisor_not_forwarded:
    .asciz "hypercall: EID 0x485643 not forwarded by this kernel (NOT_SUPPORTED)\n"
axvm_good:
    .asciz "hypercall: EID 0x08485643 answered as expected\n"
axvm_bad:
    .asciz "hypercall: EID 0x08485643 gave a wrong answer\n"
