/* Real mode: halt, and halt again whenever resumed (each run's first exit is HLT). For the snapshot benchmark. */
    .code16
    .globl _start
_start:
    hlt
    jmp _start
