package dev.axvm.axvisor;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * {@code run --time-to TEXT}: when TEXT first shows on the guest's console, how long after the VM
 * booted. Measures what a user of a VMM asks first (how fast does my guest come up), from
 * {@link dev.axvm.vm.AxVM#boot()} to the end of the line that carries TEXT, with the host's
 * monotonic clock; JVM start and VM building are not in it.
 */
final class MarkerClock implements ConsoleLines.Watcher {
    private final byte[] needle;
    private final LongSupplier nanoTime;
    private volatile long bootedAt = -1;
    private volatile long seenAt = -1;

    MarkerClock(String text, LongSupplier nanoTime) {
        this.needle = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.US_ASCII);
        if (needle.length == 0 || needle.length > ConsoleLines.MAX_LINE) {
            throw new IllegalArgumentException("the text to time must be 1.." + ConsoleLines.MAX_LINE + " characters");
        }
        this.nanoTime = nanoTime;
    }

    /** The VM is booting now. */
    void booted() {
        bootedAt = nanoTime.getAsLong();
    }

    @Override
    public void line(byte[] line, int length, boolean truncated) {
        if (seenAt < 0 && bootedAt >= 0 && ConsoleLines.indexOf(line, length, needle) >= 0) {
            seenAt = nanoTime.getAsLong();
        }
    }

    /** Nanoseconds from boot to the text, if it showed. */
    OptionalLong elapsedNanos() {
        long seen = seenAt;
        return seen < 0 ? OptionalLong.empty() : OptionalLong.of(seen - bootedAt);
    }
}
