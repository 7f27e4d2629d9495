package dev.axvm.device.internal;

/** A fixed-capacity ring of bytes, a UART's receive FIFO. Not thread-safe: its UART's lock guards it. */
public final class ByteFifo {
    private final byte[] ring;
    private int head;
    private int count;

    /** An empty FIFO of {@code capacity} bytes. */
    public ByteFifo(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is not positive");
        }
        ring = new byte[capacity];
    }

    /** How many bytes it holds. */
    public int size() {
        return count;
    }

    /** The capacity. */
    public int capacity() {
        return ring.length;
    }

    /** Whether it holds nothing. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Appends {@code b}; the caller checks for room first. */
    public void push(int b) {
        if (count == ring.length) {
            throw new IllegalStateException("FIFO of " + ring.length + " bytes is full");
        }
        ring[(head + count) % ring.length] = (byte) b;
        count++;
    }

    /** Removes and returns the oldest byte (0..255), or -1 when empty. */
    public int pop() {
        if (count == 0) {
            return -1;
        }
        int b = ring[head] & 0xff;
        head = (head + 1) % ring.length;
        count--;
        return b;
    }

    /** Its bytes, oldest first, without removing them. */
    public byte[] toArray() {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        return out;
    }

    /** Empties it. */
    public void clear() {
        head = 0;
        count = 0;
    }
}
