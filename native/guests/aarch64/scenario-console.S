/*
 * Scenario "console": prints one line on the PL011 (the built-in UART at 0x09000000) and powers
 * off through PSCI SYSTEM_OFF.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    puts message
    power_off_for_good

message:
    .asciz "console: hello from aarch64 on the PL011\n"
    .balign 4
    vector_table unexpected
