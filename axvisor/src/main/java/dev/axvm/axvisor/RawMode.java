package dev.axvm.axvisor;

import dev.axvm.kvm.HostTerminal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's stdin terminal in raw mode for the time a VM runs, or nothing ({@link #NONE}) when
 * input is piped. Closing restores the terminal; it may happen twice (the run's own exit path and
 * the shutdown hook after a signal), and a restore that fails is reported, not thrown, so that it
 * never hides why the VM stopped.
 */
final class RawMode implements AutoCloseable {
    static final RawMode NONE = new RawMode(null);
    private static final Logger LOG = LoggerFactory.getLogger(RawMode.class);

    private final HostTerminal terminal;

    private RawMode(HostTerminal terminal) {
        this.terminal = terminal;
    }

    /** Puts stdin's terminal in raw mode. */
    static RawMode enter() {
        return new RawMode(HostTerminal.raw(0));
    }

    /** Whether a terminal is in raw mode (so Ctrl-] is the way out). */
    boolean active() {
        return terminal != null;
    }

    @Override
    public void close() {
        if (terminal == null) {
            return;
        }
        try {
            terminal.close();
        } catch (RuntimeException e) {
            LOG.warn("cannot restore the terminal's settings ({}); 'stty sane' does", e.getMessage());
        }
    }
}
