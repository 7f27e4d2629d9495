/*
 * 64-bit, for VMs with the in-kernel irqchip: software-enable the LAPIC, install
 * a vector 0x40 handler, report "ready" and halt with interrupts on. The handler
 * signals end-of-interrupt, reports 0x40 and powers off.
 */
#include "conventions.h"
#define LAPIC_BASE 0xfee00000
#define LAPIC_SVR 0xf0
#define LAPIC_EOI 0xb0
    .code64
    .globl _start
_start:
    lea handler(%rip), %rax
    lea idt(%rip), %rbx
    add $(0x40 * 16), %rbx
    mov %ax, 0(%rbx)
    movw $0x18, 2(%rbx)
    movw $0x8e00, 4(%rbx)
    shr $16, %rax
    mov %ax, 6(%rbx)
    shr $16, %rax
    mov %eax, 8(%rbx)
    lidt idtr(%rip)
    mov $LAPIC_BASE, %rbx
    movl $0x1ff, LAPIC_SVR(%rbx)   /* APIC software enable, spurious vector 0xff */
    mov $REPORT_PORT, %dx
    mov $0x1, %eax
    out %eax, %dx
1:  sti
    hlt
    jmp 1b
handler:
    mov $LAPIC_BASE, %rbx
    movl $0, LAPIC_EOI(%rbx)
    mov $REPORT_PORT, %dx
    mov $0x40, %eax
    out %eax, %dx
    mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt
    .balign 8
idtr:
    .word 256 * 16 - 1
    .quad idt
    .balign 16
idt:
    .space 256 * 16
