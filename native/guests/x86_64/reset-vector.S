/*
 * The smallest x86 guest: position-independent real-mode code that the
 * foundation test places at the reset vector (0xfffffff0), where a freshly
 * created vCPU starts without any register set up.
 * Expected exits: port 0x3f8 OUT of one byte 'A', then HLT.
 */
    .code16
    .globl _start
_start:
    mov $'A', %al
    mov $0x3f8, %dx
    out %al, %dx
    hlt
