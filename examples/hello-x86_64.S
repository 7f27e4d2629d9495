/*
 * The quick-start guest: 16-bit real mode at 0x8000, as AxVisor starts its x86
 * guests. Initializes COM1 (a 16550: 115200 8N1, FIFOs on), prints a greeting
 * waiting for the transmitter before each byte, then powers off through port
 * 0x604 (the QEMU/AxVisor convention).
 */
#define COM1 0x3f8
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_THRE 0x20

    .code16
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7c00, %sp
    mov $(COM1 + IER), %dx      /* no UART interrupts: this guest polls */
    xor %al, %al
    out %al, %dx
    mov $(COM1 + LCR), %dx      /* DLAB on, divisor 1 = 115200 baud */
    mov $0x80, %al
    out %al, %dx
    mov $(COM1 + THR), %dx
    mov $1, %al
    out %al, %dx
    mov $(COM1 + IER), %dx
    xor %al, %al
    out %al, %dx
    mov $(COM1 + LCR), %dx      /* DLAB off, 8 data bits, no parity, 1 stop bit */
    mov $0x03, %al
    out %al, %dx
    mov $(COM1 + FCR), %dx      /* FIFOs on and cleared */
    mov $0x07, %al
    out %al, %dx
    mov $(COM1 + MCR), %dx      /* DTR, RTS, OUT2 */
    mov $0x0b, %al
    out %al, %dx
    mov $msg, %si
next:
    lodsb
    test %al, %al
    jz done
    mov %al, %bl
    mov $(COM1 + LSR), %dx
wait:
    in %dx, %al
    test $LSR_THRE, %al
    jz wait
    mov $(COM1 + THR), %dx
    mov %bl, %al
    out %al, %dx
    jmp next
done:
    mov $0x604, %dx
    mov $0x2000, %ax
    out %ax, %dx
    hlt
    jmp done
msg:
    .asciz "Hello from a real x86_64 guest on KVM, driven by Java!\n"
