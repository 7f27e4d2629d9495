/*
 * Scenario "console": prints one line on COM1 (the built-in 16550 at port 0x3f8) and powers off
 * through port 0x604.
 */
#include "scenario.h"
    .code64
    .globl _start
_start:
    scenario_cpu
    puts message
    power_off_for_good

message:
    .asciz "console: hello from x86_64 on COM1\n"
