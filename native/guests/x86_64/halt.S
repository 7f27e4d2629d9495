/* Real mode: halt at once (the first exit is HLT). For the VM lifecycle benchmark. */
    .code16
    .globl _start
_start:
    hlt
