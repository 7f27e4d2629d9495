/*
 * 64-bit: one hypercall with six arguments through AxVM's port convention,
 * then the return value reported (two 32-bit OUTs on REPORT_PORT). Then HLT.
 */
#include "conventions.h"
    .code64
    .globl _start
_start:
    mov $0x42, %rax
    mov $0x1111, %rdi
    mov $0x2222, %rsi
    mov $0x3333, %rdx
    mov $0x4444, %rcx
    mov $0x5555, %r8
    mov $0x6666, %r9
    out %al, $HYPERCALL_PORT
    mov $REPORT_PORT, %dx
    out %eax, %dx
    shr $32, %rax
    out %eax, %dx
    hlt
