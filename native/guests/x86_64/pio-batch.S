/*
 * For benchmarks, real mode: batches of 1-byte OUTs to port 0x80 (one exit each, served by a VM
 * device), each batch ended by an OUT to AxVM's hypercall port 0xe5, which runVcpu returns to its
 * caller. BATCH in the Java and C benchmarks must match.
 */
#define BATCH 1000
    .code16
    .globl _start
_start:
    xor %ax, %ax
1:  mov $BATCH, %cx
2:  out %al, $0x80
    inc %ax
    loop 2b
    out %al, $0xe5
    jmp 1b
