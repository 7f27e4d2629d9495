package dev.axvm.device.uart;

/**
 * Where a UART's transmitted bytes go: the terminal, a file, a test buffer. Called on the vCPU
 * thread that wrote the transmit register, once per byte, while the UART holds its lock; a slow
 * sink slows that vCPU down (the natural back-pressure of a serial line). Must not throw: a sink
 * that cannot write counts or logs the loss instead.
 */
@FunctionalInterface
public interface SerialSink {
    /** Takes one transmitted byte. */
    void transmit(byte b);
}
