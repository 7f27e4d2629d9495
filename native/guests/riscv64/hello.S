/*
 * Console through the 16550 and through SBI DBCN, then SRST. Reports, in
 * order: a0 (hart id) and a1 (boot argument) as found at entry; DBCN write of
 * the message (a0 error, a1 bytes written); DBCN write_byte of '\n' (a0); a
 * DBCN write from an address outside RAM (a0); one whose length runs past
 * the end of RAM (a0); a DBCN read into RAM (a0, a1 count, then the first 8
 * bytes read). Then SRST: shutdown, or a cold reboot when a1 was 1.
 */
#include "conventions.h"
    .globl _start
_start:
    mv s0, a0
    mv s1, a1
    REPORT_REG(s0)
    REPORT_REG(s1)

    li t0, UART_BASE
    lla t1, uart_message
1:  lbu t2, 0(t1)
    beqz t2, 2f
    sb t2, 0(t0)
    addi t1, t1, 1
    j 1b

2:  li a7, SBI_EXT_DBCN
    li a6, 0
    lla a1, dbcn_message
    lla a0, dbcn_end
    sub a0, a0, a1
    li a2, 0
    ecall
    REPORT_REG(a0)
    REPORT_REG(a1)

    li a7, SBI_EXT_DBCN
    li a6, 2
    li a0, '\n'
    ecall
    REPORT_REG(a0)

    li a7, SBI_EXT_DBCN
    li a6, 0
    li a0, 16
    li a1, 0xdead0000
    li a2, 0
    ecall
    REPORT_REG(a0)

    li a7, SBI_EXT_DBCN
    li a6, 0
    li a0, 0x10000000
    lla a1, dbcn_message
    li a2, 0
    ecall
    REPORT_REG(a0)

    li a7, SBI_EXT_DBCN
    li a6, 1
    li a0, 8
    lla a1, read_buffer
    li a2, 0
    ecall
    REPORT_REG(a0)
    REPORT_REG(a1)
    lla t0, read_buffer
    ld t1, 0(t0)
    REPORT_REG(t1)

    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 0                 /* shutdown */
    li t0, 1
    bne s1, t0, 3f
    li a0, 1                 /* cold reboot */
3:  li a1, 0
    ecall
    j .

uart_message:
    .asciz "Hello from riscv64\n"
dbcn_message:
    .ascii "Hello through SBI DBCN"
dbcn_end:
    .balign 8
read_buffer:
    .quad 0
