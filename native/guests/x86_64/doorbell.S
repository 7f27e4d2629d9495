/*
 * A reset-vector guest for the doorbell test (14 bytes: the reset vector leaves 16): a 2-byte
 * write to GPA 0x5000 (no RAM there, so an MMIO exit unless KVM turns it into an eventfd signal),
 * then port 0x3f8 OUT of 'B', then HLT.
 */
    .code16
    .globl _start
_start:
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, (0x5000)
    mov $'B', %al
    mov $0x3f8, %dx
    out %al, %dx
    hlt
