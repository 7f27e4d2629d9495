/* 32-bit flat protected mode: print a greeting on COM1, then power off. */
#include "conventions.h"
    .code32
    .globl _start
_start:
    mov $msg, %esi
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
msg: .asciz "Hello from protected mode\n"
