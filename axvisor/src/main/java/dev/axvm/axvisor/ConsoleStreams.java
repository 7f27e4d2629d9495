package dev.axvm.axvisor;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The terminal a VM's console is attached to: guest output goes to {@code out} byte for byte,
 * and what is typed on {@code in} goes to the guest's UART.
 *
 * @param in the terminal's input
 * @param out the terminal's output
 */
public record ConsoleStreams(InputStream in, OutputStream out) {
    /** Checks the streams. */
    public ConsoleStreams {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
    }

    /** The process's own stdin and stdout. */
    public static ConsoleStreams system() {
        return new ConsoleStreams(System.in, System.out);
    }
}
