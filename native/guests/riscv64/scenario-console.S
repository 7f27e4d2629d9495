/*
 * Scenario "console": prints one line on the 16550 (the built-in UART at 0x10000000) and powers
 * off through SBI SRST.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    puts message
    power_off_for_good

    trap_handler unexpected
message:
    .asciz "console: hello from riscv64 on the 16550\n"
