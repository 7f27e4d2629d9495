/* 64-bit long mode (identity-mapped by the host): print a greeting on COM1, then power off. */
#include "conventions.h"
    .code64
    .globl _start
_start:
    lea msg(%rip), %rsi
1:  lodsb
    test %al, %al
    jz 2f
    mov $COM1, %dx
    out %al, %dx
    jmp 1b
2:  mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt
msg: .asciz "Hello from long mode\n"
