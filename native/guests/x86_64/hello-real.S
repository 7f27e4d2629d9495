/* 16-bit real mode: print a greeting on COM1, then power off through port 0x604. */
#include "conventions.h"
    .code16
    .globl _start
_start:
    cli
    mov $msg, %si
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
msg: .asciz "Hello from real mode\n"
