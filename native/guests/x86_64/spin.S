/* 64-bit: never exits on its own (kick latency). */
    .code64
    .globl _start
_start:
    jmp _start
