/*
 * Scenario "mmio": stores of every width (SB, SH, SW, SD) to the test device's scratch
 * registers, then loads of every width, zero-extending (LBU, LHU, LWU, LD) and sign-extending (LB,
 * LH, LW). Each loaded register is reported whole. Then a line on the 16550 and power-off.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    li t0, 0x11
    sb t0, DEV_DATA + 0x0(s11)
    li t0, 0x2222
    sh t0, DEV_DATA + 0x2(s11)
    li t0, 0x33333333
    sw t0, DEV_DATA + 0x4(s11)
    li t0, 0x4444444455555555
    sd t0, DEV_DATA + 0x8(s11)

    lbu t0, DEV_DATA + 0x10(s11)
    report t0
    lhu t0, DEV_DATA + 0x12(s11)
    report t0
    lwu t0, DEV_DATA + 0x14(s11)
    report t0
    ld t0, DEV_DATA + 0x18(s11)
    report t0
    lb t0, DEV_DATA + 0x20(s11)
    report t0
    lh t0, DEV_DATA + 0x22(s11)
    report t0
    lw t0, DEV_DATA + 0x24(s11)
    report t0

    puts message
    power_off_for_good

    trap_handler unexpected
message:
    .asciz "mmio: 4 stores and 7 loads done\n"
