/*
 * 32-bit flat protected mode, no paging: writes one byte into each page
 * FIRST_A + k * STRIDE (k < COUNT) and reports 1, then into each page
 * FIRST_B + k * STRIDE and reports 2, then powers off. It writes nothing else
 * (no stack, no variables), so the dirty log read after each report holds
 * exactly those pages.
 */
#include "conventions.h"
#define COUNT 40
#define STRIDE 0x3000
#define FIRST_A 0x200000
#define FIRST_B 0x201000
    .code32
    .globl _start
_start:
    mov $FIRST_A, %edi
    mov $COUNT, %ecx
1:  movb %cl, (%edi)
    add $STRIDE, %edi
    loop 1b
    mov $REPORT_PORT, %dx
    mov $1, %eax
    out %eax, %dx
    mov $FIRST_B, %edi
    mov $COUNT, %ecx
2:  movb %cl, (%edi)
    add $STRIDE, %edi
    loop 2b
    mov $REPORT_PORT, %dx
    mov $2, %eax
    out %eax, %dx
    mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt
