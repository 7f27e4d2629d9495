/*
 * 64-bit: MMIO stores of every width, then loads of every width (zero- and
 * sign-extending), each loaded value reported as two 32-bit OUTs (low, high)
 * on REPORT_PORT. Then HLT.
 */
#include "conventions.h"
    .code64
    .globl _start
_start:
    mov $MMIO_BASE, %rbx
    movb $0x11, 0x0(%rbx)
    movw $0x2222, 0x2(%rbx)
    movl $0x33333333, 0x4(%rbx)
    mov $0x4444444455555555, %rax
    mov %rax, 0x8(%rbx)

    movzbq 0x10(%rbx), %rax
    call report
    movzwq 0x12(%rbx), %rax
    call report
    movl 0x14(%rbx), %eax
    call report
    mov 0x18(%rbx), %rax
    call report
    movsbq 0x20(%rbx), %rax
    call report
    movswq 0x22(%rbx), %rax
    call report
    movslq 0x24(%rbx), %rax
    call report
    hlt

report:
    mov $REPORT_PORT, %dx
    out %eax, %dx
    shr $32, %rax
    out %eax, %dx
    ret
