/* Spins forever: for kicks and register access. */
    .globl _start
_start:
    j _start
