/*
 * 64-bit: AxVM's x86 platform calls (port 0xe6). Asks to start vCPU 1 at
 * "secondary" with argument 0xabc, reports the status it got back, then powers
 * off with SYSTEM_OFF. The secondary prints "2" on COM1 and stops with CPU_OFF.
 */
#include "conventions.h"
#define PLATFORM_PORT 0xe6
    .code64
    .globl _start
_start:
    xor %eax, %eax                 /* CPU_ON */
    mov $1, %rdi                   /* target APIC id */
    lea secondary(%rip), %rsi      /* entry */
    mov $0xabc, %rdx               /* argument */
    out %al, $PLATFORM_PORT
    mov $REPORT_PORT, %dx
    out %eax, %dx                  /* the status CPU_ON returned */
    mov $2, %eax                   /* SYSTEM_OFF */
    out %al, $PLATFORM_PORT
    hlt
secondary:
    mov %rdi, %rax
    mov $REPORT_PORT, %dx
    out %eax, %dx                  /* the argument it was started with */
    mov $COM1, %dx
    mov $'2', %al
    out %al, %dx
    mov $1, %eax                   /* CPU_OFF */
    out %al, $PLATFORM_PORT
    hlt
