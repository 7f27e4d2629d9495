package dev.axvm.axvisor;

import dev.axvm.device.uart.SerialSink;
import java.util.List;
import java.util.Objects;

/**
 * Passes a guest's console output on, and hands each complete line to watchers that look for
 * something in it (Linux's panic line, a marker whose time a user wants). Runs on the console's
 * writer thread, never on a vCPU; keeps one bounded line buffer and allocates nothing unless a
 * watcher does. Lines longer than {@link #MAX_LINE} bytes are seen cut, with {@code truncated} set.
 */
final class ConsoleLines implements SerialSink {
    /** The longest line a watcher sees whole. */
    static final int MAX_LINE = 240;

    /** Looks at each line of console output; called on the console's writer thread. */
    @FunctionalInterface
    interface Watcher {
        /** Bytes {@code [0, length)} of {@code line} (reused: copy what you keep), {@code truncated} when cut. */
        void line(byte[] line, int length, boolean truncated);
    }

    private final SerialSink next;
    private final List<Watcher> watchers;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean truncated;

    ConsoleLines(SerialSink next, List<Watcher> watchers) {
        this.next = Objects.requireNonNull(next, "next");
        this.watchers = List.copyOf(watchers);
    }

    @Override
    public void transmit(byte b) {
        next.transmit(b);
        see(b);
    }

    @Override
    public void transmit(byte[] bytes, int offset, int count) {
        next.transmit(bytes, offset, count);
        for (int i = 0; i < count; i++) {
            see(bytes[offset + i]);
        }
    }

    @Override
    public boolean mayBlock() {
        return next.mayBlock();
    }

    private void see(byte b) {
        if (b == '\n' || b == '\r') {
            if (length > 0 || truncated) {
                for (Watcher w : watchers) {
                    w.line(line, length, truncated);
                }
            }
            length = 0;
            truncated = false;
        } else if (length < MAX_LINE) {
            line[length++] = b;
        } else {
            truncated = true;
        }
    }

    /** Where {@code needle} (ASCII) starts in the first {@code length} bytes of {@code line}, or -1. */
    static int indexOf(byte[] line, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Bytes {@code [from, length)} as printable ASCII ('?' for anything else): they go into the VMM's own messages. */
    static String printable(byte[] line, int from, int length) {
        StringBuilder text = new StringBuilder(length - from);
        for (int i = from; i < length; i++) {
            text.append(line[i] >= 0x20 && line[i] < 0x7f ? (char) line[i] : '?');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "console lines over " + next;
    }
}
