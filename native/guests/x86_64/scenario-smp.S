/*
 * Scenario "smp", two vCPUs. vCPU 0 reports its APIC id, prints, starts vCPU 1 with AxVM's
 * platform call CPU_ON (port 0xe6: RDI APIC id 1, RSI entry, RDX argument SMP_ARG), reports the
 * status, waits (bounded) for vCPU 1's flag, reports it, prints and powers off. vCPU 1 reports
 * its argument (RDI) and APIC id, prints, sets the flag and turns itself off with CPU_OFF.
 */
#include "scenario.h"
    .code64
    .globl _start
_start:
    scenario_cpu
    mov $1, %eax
    cpuid
    shr $24, %ebx
    report %rbx
    puts cpu0_message
    mov $PLATFORM_CPU_ON, %eax
    mov $1, %rdi
    lea secondary(%rip), %rsi
    mov $SMP_ARG, %rdx
    out %al, $PLATFORM_PORT
    report %rax
    test %rax, %rax
    jz 1f
    fail FAIL_CPU_ON
    jmp 4f
1:  await_flag 4f
    report %rax
    puts done_message
4:  power_off_for_good

secondary:
    scenario_cpu
    report %rdi
    mov $1, %eax
    cpuid
    shr $24, %ebx
    report %rbx
    puts cpu1_message
    movq $SMP_FLAG, flag(%rip)
    mov $PLATFORM_CPU_OFF, %eax
    out %al, $PLATFORM_PORT
    fail FAIL_PAST_CPU_OFF
5:  hlt
    jmp 5b

cpu0_message:
    .asciz "smp: vCPU 0 up, starting vCPU 1\n"
cpu1_message:
    .asciz "smp: vCPU 1 up\n"
done_message:
    .asciz "smp: vCPU 1 done\n"
    .balign 8
flag:
    .quad 0
