/*
 * 16-bit: "rep outsb" of a string to COM1 (one exit, count > 1), then
 * "rep insb" of 4 bytes from INPUT_PORT into memory, echoed with "rep outsb"
 * to COM1. Then power off.
 */
#include "conventions.h"
    .code16
    .globl _start
_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %es
    mov $msg, %si
    mov $(msg_end - msg), %cx
    mov $COM1, %dx
    rep outsb
    mov $buf, %di
    mov $4, %cx
    mov $INPUT_PORT, %dx
    rep insb
    mov $buf, %si
    mov $4, %cx
    mov $COM1, %dx
    rep outsb
    mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt
msg: .ascii "string I/O\n"
msg_end:
buf: .space 4
