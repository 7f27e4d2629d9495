/*
 * Scenario "interrupt", for a VM with KVM's in-kernel irqchip (interrupt_mode "emulated"). The
 * guest fills an IDT (every vector to `unexpected`, VECTOR to `irq`), programs the IOAPIC
 * redirection entry of IRQ_LINE (VECTOR, fixed, physical destination APIC 0, active high, level,
 * unmasked), software-enables its LAPIC, asks the test device to raise its line (DEV_RAISE) and
 * waits with interrupts on. The handler reports VECTOR, acknowledges the device (DEV_ACK lowers
 * the line), signals EOI and returns; the guest then prints and powers off.
 */
#include "scenario.h"
#define VECTOR 0x41
#define GATE_SIZE 16
    .code64
    .globl _start
_start:
    scenario_cpu
    lea idt(%rip), %rdi
    lea unexpected(%rip), %rax
    mov $256, %ecx
1:  call set_gate
    add $GATE_SIZE, %rdi
    loop 1b
    lea idt + VECTOR * GATE_SIZE(%rip), %rdi
    lea irq(%rip), %rax
    call set_gate
    lidt idtr(%rip)

    mov $IOAPIC_BASE, %rbx
    movl $(0x11 + 2 * IRQ_LINE), (%rbx)      /* redirection entry, high half: destination APIC id 0 */
    movl $0, 0x10(%rbx)
    movl $(0x10 + 2 * IRQ_LINE), (%rbx)      /* low half: vector, level-triggered, unmasked */
    movl $(VECTOR | 1 << 15), 0x10(%rbx)
    mov $LAPIC_BASE, %rbx
    movl $0, LAPIC_TPR(%rbx)
    movl $0x1ff, LAPIC_SVR(%rbx)             /* APIC software-enabled, spurious vector 0xff */

    movq $1, DEV_RAISE(%r15)
    sti
    mov $WAIT_LIMIT, %rcx
2:  mov taken(%rip), %rax
    test %rax, %rax
    jnz 3f
    pause
    dec %rcx
    jnz 2b
    cli
    fail FAIL_NO_INTERRUPT
    jmp 4f
3:  cli
    puts message
4:  power_off_for_good

/* Writes a 64-bit interrupt gate for handler %rax at %rdi (clobbers rdx). */
set_gate:
    mov %ax, 0(%rdi)
    movw $0x18, 2(%rdi)                      /* the 64-bit code selector of AxVM's entry GDT */
    movw $0x8e00, 4(%rdi)                    /* present, DPL 0, interrupt gate */
    mov %rax, %rdx
    shr $16, %rdx
    mov %dx, 6(%rdi)
    shr $16, %rdx
    mov %edx, 8(%rdi)
    movl $0, 12(%rdi)
    ret

irq:
    push %rax
    push %rbx
    mov $VECTOR, %rax
    report %rax
    movq $1, DEV_ACK(%r15)
    mov $LAPIC_BASE, %rbx
    movl $0, LAPIC_EOI(%rbx)
    movq $1, taken(%rip)
    pop %rbx
    pop %rax
    iretq

unexpected:
    fail FAIL_EXCEPTION
    power_off_for_good

message:
    .asciz "interrupt: vector 0x41 taken through the IOAPIC and LAPIC\n"
    .balign 8
taken:
    .quad 0
idtr:
    .word 256 * GATE_SIZE - 1
    .quad idt
    .balign 16
idt:
    .space 256 * GATE_SIZE
