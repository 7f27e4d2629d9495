/**
 * Serial ports: the 16550A ({@link dev.axvm.device.uart.Uart16550}, as port or MMIO device), Arm's
 * PL011 ({@link dev.axvm.device.uart.Pl011}), and their host side: a {@link dev.axvm.device.uart.SerialSink}
 * for transmitted bytes and a {@link dev.axvm.device.uart.SerialSource} for received ones, pulled
 * only while the UART's receive FIFO has room.
 */
package dev.axvm.device.uart;
