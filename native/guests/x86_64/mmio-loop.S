/* For benchmarks: an endless stream of 4-byte MMIO stores (one exit each). */
#include "conventions.h"
    .code64
    .globl _start
_start:
    mov $MMIO_BASE, %rbx
    xor %eax, %eax
1:  mov %eax, (%rbx)
    inc %eax
    jmp 1b
