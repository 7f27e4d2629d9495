/* For benchmarks: an endless stream of 1-byte OUTs to port 0x80 (one exit each). */
    .code64
    .globl _start
_start:
    mov $0x80, %dx
    xor %eax, %eax
1:  out %al, %dx
    inc %eax
    jmp 1b
