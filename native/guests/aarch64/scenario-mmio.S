/*
 * Scenario "mmio": stores of every width (STRB, STRH, STR w, STR x) to the test device's scratch
 * registers, then loads of every width, zero-extending (LDRB, LDRH, LDR w, LDR x) and
 * sign-extending (LDRSB, LDRSH, LDRSW into x registers; LDRSB, LDRSH into w ones). Each loaded
 * register is reported whole. Then a line on the PL011 and power-off.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    mov w0, #0x11
    strb w0, [x28, #DEV_DATA + 0x0]
    mov w0, #0x2222
    strh w0, [x28, #DEV_DATA + 0x2]
    ldr w0, =0x33333333
    str w0, [x28, #DEV_DATA + 0x4]
    ldr x0, =0x4444444455555555
    str x0, [x28, #DEV_DATA + 0x8]

    mov x0, #-1
    ldrb w0, [x28, #DEV_DATA + 0x10]
    report x0
    mov x0, #-1
    ldrh w0, [x28, #DEV_DATA + 0x12]
    report x0
    mov x0, #-1
    ldr w0, [x28, #DEV_DATA + 0x14]
    report x0
    ldr x0, [x28, #DEV_DATA + 0x18]
    report x0
    ldrsb x0, [x28, #DEV_DATA + 0x20]
    report x0
    ldrsh x0, [x28, #DEV_DATA + 0x22]
    report x0
    ldrsw x0, [x28, #DEV_DATA + 0x24]
    report x0
    mov x0, #-1
    ldrsb w0, [x28, #DEV_DATA + 0x20]
    report x0
    mov x0, #-1
    ldrsh w0, [x28, #DEV_DATA + 0x22]
    report x0

    puts message
    power_off_for_good

message:
    .asciz "mmio: 4 stores and 9 loads done\n"
    .balign 4
    vector_table unexpected
