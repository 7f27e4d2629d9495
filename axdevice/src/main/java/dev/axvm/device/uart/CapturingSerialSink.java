package dev.axvm.device.uart;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A {@link SerialSink} that keeps the transmitted bytes in memory, for tests (a guest's console
 * output to assert on). Bounded, since the guest decides how much it prints: bytes beyond the
 * capacity are counted in {@link #droppedBytes()}, not kept. Thread-safe; {@link #awaitText}
 * lets a test wait for the guest to print something.
 */
public final class CapturingSerialSink implements SerialSink {
    /** The capacity of {@link #CapturingSerialSink()}: 1 MiB. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private final int capacity;
    private byte[] buffer = new byte[256];
    private int size;
    private long dropped;

    /** A sink keeping up to {@link #DEFAULT_CAPACITY} bytes. */
    public CapturingSerialSink() {
        this(DEFAULT_CAPACITY);
    }

    /** A sink keeping up to {@code capacity} bytes. */
    public CapturingSerialSink(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is not positive");
        }
        this.capacity = capacity;
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public synchronized void transmit(byte b) {
        if (size == capacity) {
            dropped++;
            return;
        }
        if (size == buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(capacity, 2L * buffer.length));
        }
        buffer[size++] = b;
        notifyAll();
    }

    /** The bytes kept so far. */
    public synchronized byte[] bytes() {
        return Arrays.copyOf(buffer, size);
    }

    /** The bytes kept so far as ISO-8859-1 text (one char per byte, nothing lost). */
    public synchronized String text() {
        return new String(buffer, 0, size, StandardCharsets.ISO_8859_1);
    }

    /** How many bytes are kept. */
    public synchronized int size() {
        return size;
    }

    /** Bytes not kept because the capacity was reached. */
    public synchronized long droppedBytes() {
        return dropped;
    }

    /** Forgets the bytes kept and the drop count. */
    public synchronized void clear() {
        size = 0;
        dropped = 0;
    }

    /**
     * Waits until {@link #text()} contains {@code needle} or {@code timeout} passes.
     *
     * @return whether it does
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public synchronized boolean awaitText(String needle, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!text().contains(needle)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "CapturingSerialSink(" + size + " bytes)";
    }
}
