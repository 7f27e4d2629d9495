/*
 * 64-bit, for VMs with the in-kernel irqchip: a sequence that lives only in
 * state a vCPU snapshot must carry. Each step waits in HLT for a LAPIC timer
 * tick (periodic, vector 0x40), then advances an LCG in R12, adds XMM1 to XMM0,
 * increments MSR_KERNEL_GS_BASE, and stores XMM0 ^ R12 ^ MSR as 8 bytes at
 * MMIO_BASE. After STEPS steps it powers off. A restored vCPU that lost any of
 * its registers, its XSAVE area, the MSR or the LAPIC timer stores other
 * values, or waits forever.
 */
#include "conventions.h"
#define LAPIC_BASE 0xfee00000
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_DIV 0x3e0
#define MSR_KERNEL_GS_BASE 0xc0000102
#define STEPS 24
    .code64
    .globl _start
_start:
    lea tick(%rip), %rax
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
    movl $0x1ff, LAPIC_SVR(%rbx)
    movl $0xb, LAPIC_TIMER_DIV(%rbx)        /* divide by 1 */
    movl $0x20040, LAPIC_LVT_TIMER(%rbx)    /* periodic, vector 0x40 */
    movl $0x40000, LAPIC_TIMER_INIT(%rbx)
    mov %cr0, %rax                          /* SSE on: CR0.EM clear, CR0.MP set, */
    and $~0x4, %rax
    or $0x2, %rax
    mov %rax, %cr0
    mov %cr4, %rax                          /* CR4.OSFXSR and OSXMMEXCPT */
    or $0x600, %rax
    mov %rax, %cr4
    mov $0x9e3779b97f4a7c15, %r12
    mov $0x0123456789abcdef, %rax
    movq %rax, %xmm0
    mov $0x0fedcba987654321, %rax
    movq %rax, %xmm1
    mov $MSR_KERNEL_GS_BASE, %ecx
    mov $0x5eed0000, %eax
    xor %edx, %edx
    wrmsr
    xor %r13d, %r13d
    mov $MMIO_BASE, %r14
step:
    mov ticks(%rip), %r15
1:  sti
    hlt
    cli
    cmp ticks(%rip), %r15
    je 1b
    mov $6364136223846793005, %rax
    imul %rax, %r12
    mov $1442695040888963407, %rax
    add %rax, %r12
    paddq %xmm1, %xmm0
    mov $MSR_KERNEL_GS_BASE, %ecx
    rdmsr
    shl $32, %rdx
    or %rdx, %rax
    inc %rax
    mov %rax, %rsi
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    movq %xmm0, %rax
    xor %r12, %rax
    xor %rsi, %rax
    mov %rax, (%r14)
    inc %r13
    cmp $STEPS, %r13
    jb step
    mov $POWER_PORT, %dx
    mov $POWER_OFF, %ax
    out %ax, %dx
    hlt
tick:
    push %rax
    incq ticks(%rip)
    mov $LAPIC_BASE, %rax
    movl $0, LAPIC_EOI(%rax)
    pop %rax
    iretq
    .balign 8
ticks:
    .quad 0
idtr:
    .word 256 * 16 - 1
    .quad idt
    .balign 16
idt:
    .space 256 * 16
