package dev.axvm.device.uart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.TriggerMode;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A console thread pushes input while vCPU threads read and write registers: every byte arrives
 * once, in order, and the interrupt line ends where the state says.
 */
class UartConcurrencyTest {
    private static final int BYTES = 50_000;

    private static byte[] pattern() {
        byte[] b = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            b[i] = (byte) (i * 131 + (i >> 8));
        }
        return b;
    }

    @Test
    void sixteen550DeliversEveryPushedByteInOrderWhileAnotherThreadTransmits() throws InterruptedException {
        byte[] input = pattern();
        SerialInputQueue in = new SerialInputQueue(256);
        CapturingSerialSink out = new CapturingSerialSink(4 * BYTES);
        RecordingInterruptSink irqs = new RecordingInterruptSink();
        Uart16550 uart = new Uart16550(out, in, new InterruptLine(irqs, 4, TriggerMode.LEVEL));
        uart.writeRegister(Uart16550.LCR, 0x03);
        uart.writeRegister(Uart16550.FCR, 0x81);
        uart.writeRegister(Uart16550.IER, Uart16550.IER_RDI);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        byte[] received = new byte[BYTES];
        Thread console = Thread.ofPlatform().name("console").start(() -> {
            try {
                for (byte b : input) {
                    in.put(b);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Thread reader = Thread.ofPlatform().name("vcpu0").start(() -> {
            try {
                int n = 0;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (n < BYTES && System.nanoTime() < deadline) {
                    if ((uart.readRegister(Uart16550.LSR) & Uart16550.LSR_DR) != 0) {
                        received[n++] = (byte) uart.readRegister(Uart16550.RBR);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Thread writer = Thread.ofPlatform().name("vcpu1").start(() -> {
            try {
                for (int i = 0; i < BYTES; i++) {
                    uart.writeRegister(Uart16550.THR, input[i]);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        console.join(60_000);
        reader.join(60_000);
        writer.join(60_000);
        assertNull(failure.get());
        assertArrayEquals(input, received);
        assertArrayEquals(input, out.bytes());
        assertEquals(0, uart.rxCount());
        assertEquals(false, irqs.level(4), "nothing left to read, so the line is low");
    }

    @Test
    void pl011DeliversEveryPushedByteInOrder() throws InterruptedException {
        byte[] input = pattern();
        SerialInputQueue in = new SerialInputQueue(64);
        Pl011 uart = new Pl011("pl011", Pl011.DEFAULT_BASE, Pl011.WINDOW, b -> {}, in, InterruptLine.disconnected());
        uart.writeRegister(Pl011.LCR_H, Pl011.LCR_H_FEN | 0x60);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread console = Thread.ofPlatform().start(() -> {
            try {
                for (byte b : input) {
                    in.put(b);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        byte[] received = new byte[BYTES];
        int n = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (n < BYTES && System.nanoTime() < deadline) {
            if ((uart.readRegister(Pl011.FR) & Pl011.FR_RXFE) == 0) {
                received[n++] = (byte) uart.readRegister(Pl011.DR);
            } else {
                Thread.onSpinWait();
            }
        }
        console.join(60_000);
        assertNull(failure.get());
        assertArrayEquals(input, received);
    }
}
