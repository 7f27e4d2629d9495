package dev.axvm.axvisor;

import dev.axvm.device.uart.SerialInputQueue;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the host's input to the guest's console UART, byte by byte, on a daemon thread: the
 * UART's receiver takes what its FIFO has room for and raises its RX interrupt. A delivery that
 * throws (a VM that is closing under it) is logged once and the rest of the input still goes;
 * the thread ends at end of input, at the escape byte, or when interrupted. On a raw terminal the
 * escape byte ({@link #CTRL_RIGHT_BRACKET}, Ctrl-]) is how the user leaves: it is not delivered.
 */
final class TerminalInput {
    /** Ctrl-]: leaves the console (as telnet's and kvmtool's escape does). */
    static final int CTRL_RIGHT_BRACKET = 0x1d;
    /** No escape byte: every byte goes to the guest (piped input). */
    static final int NO_ESCAPE = -1;

    private static final Logger LOG = LoggerFactory.getLogger(TerminalInput.class);

    private TerminalInput() {}

    /** Starts the feeding thread with no escape byte. */
    static Thread start(InputStream in, SerialInputQueue queue, String name) {
        return start(in, queue, name, NO_ESCAPE, () -> { });
    }

    /** Starts the feeding thread; {@code onEscape} runs (on it) when {@code escape} arrives, and the thread ends. */
    static Thread start(InputStream in, SerialInputQueue queue, String name, int escape, Runnable onEscape) {
        return Thread.ofPlatform().daemon().name(name).start(() -> feed(in, queue, name, escape, onEscape));
    }

    private static void feed(InputStream in, SerialInputQueue queue, String name, int escape, Runnable onEscape) {
        byte[] buffer = new byte[256];
        long failed = 0;
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if ((buffer[i] & 0xff) == escape) {
                        onEscape.run();
                        return;
                    }
                    try {
                        queue.put(buffer[i]);
                    } catch (RuntimeException e) {
                        if (failed++ == 0) {
                            LOG.warn("{}: delivering console input failed; going on", name, e);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("console input ended: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("{}: console input stopped: {}", name, t.toString(), t);
        }
    }
}
