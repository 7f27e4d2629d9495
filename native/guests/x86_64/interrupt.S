/*
 * 64-bit: an IDT whose vector 0x40 handler reports 0x40 on REPORT_PORT and
 * powers off; the guest enables interrupts and halts until the host injects.
 */
#include "conventions.h"
    .code64
    .globl _start
_start:
    lea handler(%rip), %rax
    lea idt(%rip), %rbx
    add $(0x40 * 16), %rbx
    mov %ax, 0(%rbx)              /* offset 15:0 */
    movw $0x18, 2(%rbx)           /* the host's 64-bit code selector */
    movw $0x8e00, 4(%rbx)         /* present, DPL 0, 64-bit interrupt gate */
    shr $16, %rax
    mov %ax, 6(%rbx)              /* offset 31:16 */
    shr $16, %rax
    mov %eax, 8(%rbx)             /* offset 63:32 */
    lidt idtr(%rip)
    mov $REPORT_PORT, %dx
    mov $0x1, %eax                /* "ready": the host injects after seeing this */
    out %eax, %dx
1:  sti
    hlt
    jmp 1b
handler:
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
