package dev.axvm.axvisor;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Watches a guest's console lines for Linux's panic line ("Kernel panic - not syncing: ..."): the
 * stock arm64 and riscv64 kernels have no pvpanic device, so the console is how a host learns that
 * its guest panicked rather than rebooted (with {@code panic=-1}) or hung (with {@code panic=0}).
 * A guest can print the line without panicking: it can only stop itself that way.
 */
final class PanicWatch implements ConsoleLines.Watcher {
    static final String PANIC_LINE = "Kernel panic - not syncing";
    private static final byte[] NEEDLE = PANIC_LINE.getBytes(StandardCharsets.US_ASCII);

    private final Consumer<String> onPanic;

    /** @param onPanic told the panic line (from its first word, without the timestamp) each time one ends */
    PanicWatch(Consumer<String> onPanic) {
        this.onPanic = Objects.requireNonNull(onPanic, "onPanic");
    }

    @Override
    public void line(byte[] line, int length, boolean truncated) {
        int at = ConsoleLines.indexOf(line, length, NEEDLE);
        if (at >= 0) {
            String text = ConsoleLines.printable(line, at, length);
            onPanic.accept(truncated ? text + "..." : text);
        }
    }
}
