/*
 * 64-bit, two vCPUs: the boot vCPU prints "bsp", starts vCPU 1 with AxVM's
 * platform call, waits for it to raise a flag in memory, and powers off. vCPU 1
 * prints "ap" (its argument, 0x5a, decides the letters' case check), raises the
 * flag and turns itself off.
 */
#include "conventions.h"
#define PLATFORM_PORT 0xe6
    .code64
    .globl _start
_start:
    lea bsp_msg(%rip), %rsi
    call puts
    xor %eax, %eax                 /* CPU_ON */
    mov $1, %rdi
    lea secondary(%rip), %rsi
    mov $0x5a, %rdx
    out %al, $PLATFORM_PORT
    mov $100000000, %rcx           /* bounded wait: a missing AP ends the test, not the host */
1:  cmpb $1, flag(%rip)
    je 2f
    pause
    loop 1b
2:  mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt

secondary:
    cmp $0x5a, %rdi
    jne 3f
    lea ap_msg(%rip), %rsi
    call puts
3:  movb $1, flag(%rip)
    mov $1, %eax                   /* CPU_OFF */
    out %al, $PLATFORM_PORT
    hlt

puts:
    mov $COM1, %dx
4:  lodsb
    test %al, %al
    jz 5f
    out %al, %dx
    jmp 4b
5:  ret

bsp_msg: .asciz "bsp\n"
ap_msg:  .asciz "ap\n"
    .balign 8
flag: .byte 0
