package dev.axvm.axvisor;

import dev.axvm.kvm.HostTerminal;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * The terminal a VM's console is attached to: guest output goes to {@code out} byte for byte,
 * and what is typed on {@code in} goes to the guest's UART.
 *
 * @param in the terminal's input
 * @param out the terminal's output
 * @param inIsTerminal whether {@code in} is the process's stdin on a terminal (run puts it in raw mode)
 * @param outIsTerminal whether {@code out} is the process's stdout on a terminal
 */
public record ConsoleStreams(InputStream in, OutputStream out, boolean inIsTerminal, boolean outIsTerminal) {
    /** Checks the streams. */
    public ConsoleStreams {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
    }

    /** Streams that are not terminals (pipes, files, test buffers). */
    public ConsoleStreams(InputStream in, OutputStream out) {
        this(in, out, false, false);
    }

    /** The process's own stdin and stdout. */
    public static ConsoleStreams system() {
        return new ConsoleStreams(System.in, System.out, isTerminal(0), isTerminal(1));
    }

    private static boolean isTerminal(int fd) {
        try {
            return HostTerminal.isTerminal(fd);
        } catch (RuntimeException | LinkageError e) {
            // No shim for this host: treat the streams as pipes (no raw mode), which always works.
            LoggerFactory.getLogger(ConsoleStreams.class).debug("cannot tell whether fd {} is a terminal: {}", fd, e.toString());
            return false;
        }
    }
}
