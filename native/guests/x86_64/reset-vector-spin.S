/*
 * A guest that never exits on its own: a jump to itself at the reset vector.
 * Used to prove that a kick from another thread brings run() back.
 */
    .code16
    .globl _start
_start:
    jmp _start
