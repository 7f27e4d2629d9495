/*
 * A sequence that lives only in state a vCPU snapshot must carry: each step
 * spins a while, then advances an LCG in s2, adds s3 to the bits of fs0,
 * increments sscratch, and stores fs0 ^ s2 ^ sscratch at REPORT. After STEPS
 * steps it shuts down (SBI SRST). A restored hart that lost a register,
 * sstatus.FS or fs0, or the CSR reports other values or traps. (The timer's
 * state is proven by the Linux scenario, whose kernel lives on timer ticks.)
 */
#include "conventions.h"
#define STEPS 24
#define SPIN 200000
    .globl _start
_start:
    li t0, 1 << 13                  /* sstatus.FS = Initial: the F/D registers on */
    csrs sstatus, t0
    li s2, 0x9e3779b97f4a7c15
    li t0, 0x0123456789abcdef
    fmv.d.x fs0, t0
    li s3, 0x0fedcba987654321
    li t0, 0x5eed0000
    csrw sscratch, t0
    li s4, REPORT
    li s5, 0                        /* steps done */
    li s6, 6364136223846793005
    li s7, 1442695040888963407
step:
    li t0, SPIN                     /* a while between steps, for a host to stop the hart in */
1:  addi t0, t0, -1
    bnez t0, 1b
    mul s2, s2, s6
    add s2, s2, s7
    fmv.x.d t0, fs0
    add t0, t0, s3
    fmv.d.x fs0, t0
    csrr t1, sscratch
    addi t1, t1, 1
    csrw sscratch, t1
    xor t0, t0, s2
    xor t0, t0, t1
    sd t0, 0(s4)
    addi s5, s5, 1
    li t0, STEPS
    blt s5, t0, step
    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
    j .
