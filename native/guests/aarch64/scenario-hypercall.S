/*
 * Scenario "hypercall": a hypercall with six arguments, twice. First through AxVM's doorbell (a
 * store to 0x0b000000: x0 nr, x1..x6 args, answer in x0), which works on every kernel; then
 * AxVisor's way, HVC #0 with the same registers, which reaches the VMM only where KVM forwards it
 * (SMCCC filter, Linux 6.4+) and otherwise comes back from KVM as NOT_SUPPORTED (-1). Each x0 is
 * reported; the doorbell's answer is checked here against HC_ANSWER, and so is the HVC's unless it
 * is -1. The verdicts go to the PL011. Then power-off.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    ldr x9, =HYPERCALL_DOORBELL
    ldr x10, =HC_ANSWER
    bl load_arguments
    str xzr, [x9]
    report x0
    cmp x0, x10
    b.ne 1f
    puts doorbell_good
    b 2f
1:  fail FAIL_HYPERCALL_ANSWER
    puts doorbell_bad

2:  bl load_arguments
    hvc #0
    report x0
    cmn x0, #1
    b.eq 4f
    cmp x0, x10
    b.ne 3f
    puts hvc_good
    b 5f
3:  fail FAIL_HYPERCALL_ANSWER
    puts hvc_bad
    b 5f
4:  puts hvc_not_forwarded
5:  power_off_for_good

load_arguments:
    mov x0, #HC_NR
    ldr x1, =HC_A0
    ldr x2, =HC_A1
    ldr x3, =HC_A2
    ldr x4, =HC_A3
    ldr x5, =HC_A4
    ldr x6, =HC_A5
    ret

doorbell_good:
    .asciz "hypercall: the doorbell answered as expected\n"
doorbell_bad:
    .asciz "hypercall: the doorbell gave a wrong answer\n"
hvc_good:
    .asciz "hypercall: HVC #0 answered as expected\n"
hvc_bad:
    .asciz "hypercall: HVC #0 gave a wrong answer\n"
hvc_not_forwarded:
    .asciz "hypercall: HVC #0 not forwarded by this kernel (NOT_SUPPORTED)\n"
    .balign 4
    vector_table unexpected
