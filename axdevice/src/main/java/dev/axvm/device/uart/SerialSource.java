package dev.axvm.device.uart;

import dev.axvm.device.internal.NoSerialSource;

/**
 * Where a UART's received bytes come from, with back-pressure: the UART pulls ({@link #poll()})
 * only while its receive FIFO has room, so bytes wait in the source until the guest reads. The
 * host side (the VM's console thread) pushes into the source — {@link SerialInputQueue} is the
 * implementation — and the source tells its UART through the listener given to
 * {@link #attach(Runnable)} that there is something to pull.
 *
 * <p>Lock order: the UART calls {@link #poll()} while holding its own lock; a source must
 * therefore call the listener without holding any lock of its own.
 */
public interface SerialSource {
    /** The next received byte (0..255), or -1 when there is none now. Never blocks. */
    int poll();

    /**
     * Connects the UART that pulls from this source: {@code dataAvailable} is run (on the pushing
     * thread) whenever bytes arrive. A source feeds one UART.
     *
     * @throws IllegalStateException when a UART is already attached
     */
    void attach(Runnable dataAvailable);

    /** A source that never has input, for UARTs with nothing connected to their receive side. */
    static SerialSource none() {
        return NoSerialSource.INSTANCE;
    }
}
