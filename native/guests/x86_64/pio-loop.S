/* For benchmarks, real mode: an endless stream of 1-byte OUTs to port 0x80, one exit each. */
    .code16
    .globl _start
_start:
    xor %ax, %ax
1:  out %al, $0x80
    inc %ax
    jmp 1b
