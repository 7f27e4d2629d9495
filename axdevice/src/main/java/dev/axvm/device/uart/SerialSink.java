package dev.axvm.device.uart;

/**
 * Where a UART's transmitted bytes go: the terminal, a file, a test buffer. Called on the vCPU
 * thread that wrote the transmit register, once per byte, while the UART holds its lock. Must
 * not throw: a sink that cannot write counts or logs the loss instead.
 *
 * <p>A sink that may block (a terminal or a pipe whose reader stalls) says so with
 * {@link #mayBlock()}: the VM then puts a {@link QueuedSerialSink} in front of it, so that a
 * stalled reader never parks a vCPU inside a device lock, where no kick can reach it.
 */
@FunctionalInterface
public interface SerialSink {
    /** A sink that drops everything and never blocks. */
    SerialSink DISCARD = new SerialSink() {
        @Override
        public void transmit(byte b) {
            // discarded, by definition
        }

        @Override
        public boolean mayBlock() {
            return false;
        }

        @Override
        public String toString() {
            return "discarded serial output";
        }
    };

    /** Takes one transmitted byte. */
    void transmit(byte b);

    /** Takes {@code length} bytes at once (the queue's writer hands over what piled up); byte by byte unless overridden. */
    default void transmit(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            transmit(bytes[offset + i]);
        }
    }

    /** Whether {@link #transmit} can block for long (I/O); true unless a sink knows it cannot. */
    default boolean mayBlock() {
        return true;
    }
}
