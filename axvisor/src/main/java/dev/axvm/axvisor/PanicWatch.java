package dev.axvm.axvisor;

import dev.axvm.device.uart.SerialSink;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Passes a guest's console output on and watches it for Linux's panic line ("Kernel panic - not
 * syncing: ..."): the stock arm64 and riscv64 kernels have no pvpanic device, so the console is
 * how a host learns that its guest panicked rather than rebooted (with {@code panic=-1}) or hung
 * (with {@code panic=0}). Runs on the console's writer thread, never on a vCPU; keeps one bounded
 * line buffer and allocates only when it finds the line. A guest can print the line without
 * panicking: it can only stop itself that way.
 */
final class PanicWatch implements SerialSink {
    static final String PANIC_LINE = "Kernel panic - not syncing";
    private static final byte[] NEEDLE = PANIC_LINE.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 240;

    private final SerialSink next;
    private final Consumer<String> onPanic;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean truncated;

    /**
     * @param next where the output goes
     * @param onPanic told the panic line (without its timestamp prefix, at most 240 bytes) each time one ends
     */
    PanicWatch(SerialSink next, Consumer<String> onPanic) {
        this.next = Objects.requireNonNull(next, "next");
        this.onPanic = Objects.requireNonNull(onPanic, "onPanic");
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
            endLine();
        } else if (length < MAX_LINE) {
            line[length++] = b;
        } else {
            truncated = true;
        }
    }

    private void endLine() {
        int at = indexOfNeedle();
        if (at >= 0) {
            StringBuilder text = new StringBuilder(length - at + 3);
            for (int i = at; i < length; i++) {
                // Printable ASCII only: the line goes into the VMM's own messages.
                text.append(line[i] >= 0x20 && line[i] < 0x7f ? (char) line[i] : '?');
            }
            onPanic.accept(truncated ? text + "..." : text.toString());
        }
        length = 0;
        truncated = false;
    }

    private int indexOfNeedle() {
        outer:
        for (int i = 0; i + NEEDLE.length <= length; i++) {
            for (int j = 0; j < NEEDLE.length; j++) {
                if (line[i + j] != NEEDLE[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "panic watch over " + next;
    }
}
