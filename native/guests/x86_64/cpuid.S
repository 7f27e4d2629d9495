/*
 * 64-bit: CPUID leaf 1 (ECX, EBX), leaf 0x80000001 (ECX) and leaf 0x40000000
 * (EAX, EBX, ECX, EDX), each register reported as a 32-bit OUT on REPORT_PORT.
 */
#include "conventions.h"
    .code64
    .globl _start
_start:
    mov $REPORT_PORT, %di
    mov $1, %eax
    cpuid
    mov %ecx, %eax
    call report
    mov %ebx, %eax
    call report
    mov $0x80000001, %eax
    cpuid
    mov %ecx, %eax
    call report
    mov $0x40000000, %eax
    cpuid
    push %rdx
    push %rcx
    push %rbx
    call report
    pop %rax
    call report
    pop %rax
    call report
    pop %rax
    call report
    hlt
report:
    mov %di, %dx
    out %eax, %dx
    ret
