package dev.axvm.axvisor;

import dev.axvm.device.uart.SerialInputQueue;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds what the terminal delivers into a guest UART's input queue, on a daemon thread. The queue
 * applies back-pressure: when the guest does not read, this thread waits instead of buffering
 * without bound. The terminal stays in its normal (line-buffered, echoing) mode.
 *
 * <p>The thread ends in a known way: at end of input, when interrupted, or when reading fails
 * (logged). A byte whose delivery fails (the UART's interrupt line into a VM that is rebooting or
 * closing) is reported once and the feeding goes on; nothing it calls can make it die silently.
 */
final class TerminalInput {
    private static final Logger LOG = LoggerFactory.getLogger(TerminalInput.class);

    private TerminalInput() {}

    /** Starts the feeding thread; it ends at end of input or when interrupted. */
    static Thread start(InputStream in, SerialInputQueue queue, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> feed(in, queue, name));
    }

    private static void feed(InputStream in, SerialInputQueue queue, String name) {
        byte[] buffer = new byte[256];
        long failed = 0;
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
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
