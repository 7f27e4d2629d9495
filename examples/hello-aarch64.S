/*
 * The aarch64 example guest: EL1 at 0x40080000, as AxVisor starts its Arm guests. Prints a
 * greeting on the PL011 at 0x09000000 (the VM's built-in console, where QEMU's virt machine has
 * its own), waiting while the transmit FIFO is full, then powers off with PSCI SYSTEM_OFF.
 */
#define PL011 0x09000000
#define UARTDR 0x00
#define UARTFR 0x18
#define FR_TXFF (1 << 5)
#define PSCI_SYSTEM_OFF 0x84000008

    .globl _start
_start:
    ldr x1, =PL011
    adr x2, msg
next:
    ldrb w3, [x2], #1
    cbz w3, done
wait:
    ldr w4, [x1, #UARTFR]
    tst w4, #FR_TXFF            /* the transmit FIFO is full */
    b.ne wait
    strb w3, [x1, #UARTDR]
    b next
done:
    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
1:  wfi                         /* only if the power-off was refused */
    b 1b
msg:
    .asciz "Hello from a real aarch64 guest on KVM, driven by Java!\n"
