/*
 * The riscv64 example guest: S-mode at 0x80200000 with a0 = hart id, as AxVisor starts its
 * RISC-V guests. Prints a greeting on the 16550 at 0x10000000 (the VM's built-in console, byte
 * registers as on QEMU's virt machine), waiting for the transmitter before each byte, then powers
 * off with the SBI system-reset extension (shutdown).
 */
#define UART 0x10000000
#define THR 0
#define LSR 5
#define LSR_THRE 0x20
#define SBI_EXT_SRST 0x53525354

    .globl _start
_start:
    li t0, UART
    lla t1, msg
next:
    lbu t2, 0(t1)
    beqz t2, done
wait:
    lbu t3, LSR(t0)
    andi t3, t3, LSR_THRE
    beqz t3, wait
    sb t2, THR(t0)
    addi t1, t1, 1
    j next
done:
    li a7, SBI_EXT_SRST
    li a6, 0                    /* sbi_system_reset */
    li a0, 0                    /* shutdown */
    li a1, 0                    /* no reason */
    ecall
1:  wfi                         /* only if the power-off was refused */
    j 1b
msg:
    .asciz "Hello from a real riscv64 guest on KVM, driven by Java!\n"
