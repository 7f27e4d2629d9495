/* 64-bit: load an empty IDT and raise an exception: a triple fault, which KVM reports as shutdown. */
    .code64
    .globl _start
_start:
    lidt idtr(%rip)
    int3
    hlt
idtr:
    .word 0
    .quad 0
