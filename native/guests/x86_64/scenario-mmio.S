/*
 * Scenario "mmio": stores of every width to the test device's scratch registers, then loads of
 * every width, zero-extending (movzb, movzw, 32-bit mov, 64-bit mov) and sign-extending (movsb,
 * movsw, movsl into 64-bit registers; movsb, movsw into 32-bit ones). Each loaded register is
 * reported whole. Then a line on COM1 and power-off.
 */
#include "scenario.h"
    .code64
    .globl _start
_start:
    scenario_cpu
    movb $0x11, DEV_DATA + 0x0(%r15)
    movw $0x2222, DEV_DATA + 0x2(%r15)
    movl $0x33333333, DEV_DATA + 0x4(%r15)
    mov $0x4444444455555555, %rax
    mov %rax, DEV_DATA + 0x8(%r15)

    mov $-1, %rax
    movzbq DEV_DATA + 0x10(%r15), %rax
    report %rax
    mov $-1, %rax
    movzwq DEV_DATA + 0x12(%r15), %rax
    report %rax
    mov $-1, %rax
    movl DEV_DATA + 0x14(%r15), %eax
    report %rax
    mov DEV_DATA + 0x18(%r15), %rax
    report %rax
    movsbq DEV_DATA + 0x20(%r15), %rax
    report %rax
    movswq DEV_DATA + 0x22(%r15), %rax
    report %rax
    movslq DEV_DATA + 0x24(%r15), %rax
    report %rax
    mov $-1, %rax
    movsbl DEV_DATA + 0x20(%r15), %eax
    report %rax
    mov $-1, %rax
    movswl DEV_DATA + 0x22(%r15), %eax
    report %rax

    puts message
    power_off_for_good

message:
    .asciz "mmio: 4 stores and 9 loads done\n"
