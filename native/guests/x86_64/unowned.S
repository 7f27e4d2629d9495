/*
 * 64-bit: writes to and reads from an MMIO address no device owns, prints "ok"
 * when the read came back all-ones (an unclaimed bus) and "bad" otherwise, then
 * powers off.
 */
#include "conventions.h"
    .code64
    .globl _start
_start:
    mov $MMIO_BASE, %rbx
    movl $0x12345678, (%rbx)
    movl (%rbx), %eax
    lea ok(%rip), %rsi
    cmp $0xffffffff, %eax
    je 1f
    lea bad(%rip), %rsi
1:  mov $COM1, %dx
2:  lodsb
    test %al, %al
    jz 3f
    out %al, %dx
    jmp 2b
3:  mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt
ok:  .asciz "ok\n"
bad: .asciz "bad\n"
