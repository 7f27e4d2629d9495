/*
 * For benchmarks, real mode: batches of 2-byte MMIO stores to 0xd0000 (which no memory slot
 * backs; a VM device serves them), each batch ended by an OUT to AxVM's hypercall port 0xe5,
 * which runVcpu returns to its caller. BATCH in the Java and C benchmarks must match.
 */
#define BATCH 1000
    .code16
    .globl _start
_start:
    mov $0xd000, %bx
    mov %bx, %ds
    xor %ax, %ax
1:  mov $BATCH, %cx
2:  mov %ax, (0)
    inc %ax
    loop 2b
    out %al, $0xe5
    jmp 1b
