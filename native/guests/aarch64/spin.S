/* Spins forever: for kicks and register access. */
    .globl _start
_start:
    b _start
