package dev.axvm.axvisor;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code --snapshot-on TEXT}: the first console line that carries TEXT starts the snapshot, on a
 * thread of its own — never on the console's writer thread, which a pause could wait for (a vCPU
 * blocked writing to a full console).
 */
final class SnapshotTrigger implements ConsoleLines.Watcher {
    private final byte[] needle;
    private final Runnable snapshot;
    private final AtomicBoolean fired = new AtomicBoolean();

    SnapshotTrigger(String text, Runnable snapshot) {
        this.needle = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.US_ASCII);
        if (needle.length == 0 || needle.length > ConsoleLines.MAX_LINE) {
            throw new IllegalArgumentException("the text to snapshot on must be 1.." + ConsoleLines.MAX_LINE + " characters");
        }
        this.snapshot = snapshot;
    }

    @Override
    public void line(byte[] line, int length, boolean truncated) {
        if (ConsoleLines.indexOf(line, length, needle) >= 0 && fired.compareAndSet(false, true)) {
            Thread.ofPlatform().name("snapshot").start(snapshot);
        }
    }
}
