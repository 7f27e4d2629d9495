/*
 * For benchmarks, real mode: an endless stream of 2-byte MMIO stores to
 * 0xd0000 (the legacy PC's option-ROM hole, which no memory slot backs), one exit each.
 */
    .code16
    .globl _start
_start:
    mov $0xd000, %bx
    mov %bx, %ds
    xor %ax, %ax
1:  mov %ax, (0)
    inc %ax
    jmp 1b
