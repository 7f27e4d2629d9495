/*
 * Hypercall number 0x42 with six arguments, first with AxVisor's extension id
 * (0x485643), then with AxVM's (0x08485643, in the experimental range that
 * KVM always forwards). After each, a0 and a1 are reported. Then SRST.
 */
#include "conventions.h"
    .globl _start
_start:
    li a7, SBI_EXT_AXVISOR_HVC
    call hypercall
    li a7, SBI_EXT_AXVM_HVC
    call hypercall

    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
    j .

hypercall:
    li a6, 0x42
    li a0, 0x1111
    li a1, 0x2222
    li a2, 0x3333
    li a3, 0x4444
    li a4, 0x5555
    li a5, 0x6666
    ecall
    REPORT_REG(a0)
    REPORT_REG(a1)
    ret
