package dev.axvm.device.uart;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue of bytes between a host thread (the console reading the terminal) and a UART:
 * the host pushes with {@link #put(byte)} (blocks while the queue is full) or {@link #offer(byte[], int, int)}
 * (takes what fits), the UART pulls with {@link #poll()} only while its FIFO has room. So input
 * the guest does not read backs up here and then in the pushing thread — nothing is lost and
 * nothing grows without bound.
 */
public final class SerialInputQueue implements SerialSource {
    /** The capacity of {@link #SerialInputQueue()}. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final byte[] ring;
    private int head;
    private int count;
    private volatile Runnable listener;

    /** A queue of {@link #DEFAULT_CAPACITY} bytes. */
    public SerialInputQueue() {
        this(DEFAULT_CAPACITY);
    }

    /** A queue of {@code capacity} bytes. */
    public SerialInputQueue(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is not positive");
        }
        ring = new byte[capacity];
    }

    @Override
    public void attach(Runnable dataAvailable) {
        Objects.requireNonNull(dataAvailable, "dataAvailable");
        lock.lock();
        try {
            if (listener != null) {
                throw new IllegalStateException("this serial input already feeds a UART");
            }
            listener = dataAvailable;
        } finally {
            lock.unlock();
        }
        // Bytes pushed before the UART attached are waiting: let it pull them.
        if (available() > 0) {
            dataAvailable.run();
        }
    }

    @Override
    public int poll() {
        lock.lock();
        try {
            if (count == 0) {
                return -1;
            }
            int b = ring[head] & 0xff;
            head = (head + 1) % ring.length;
            count--;
            notFull.signal();
            return b;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pushes one byte, waiting while the queue is full.
     *
     * @throws InterruptedException when the pushing thread is interrupted while it waits
     */
    public void put(byte b) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == ring.length) {
                notFull.await();
            }
            push(b);
        } finally {
            lock.unlock();
        }
        notifyListener();
    }

    /**
     * Pushes one byte if there is room, waiting at most {@code timeout}.
     *
     * @return whether the byte was queued
     * @throws InterruptedException when the pushing thread is interrupted while it waits
     */
    public boolean offer(byte b, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (count == ring.length) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            push(b);
        } finally {
            lock.unlock();
        }
        notifyListener();
        return true;
    }

    /**
     * Pushes as many of {@code src[offset..offset+length)} as fit, without waiting.
     *
     * @return how many were queued (from the front)
     */
    public int offer(byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        int n;
        lock.lock();
        try {
            n = Math.min(length, ring.length - count);
            for (int i = 0; i < n; i++) {
                push(src[offset + i]);
            }
        } finally {
            lock.unlock();
        }
        if (n > 0) {
            notifyListener();
        }
        return n;
    }

    /** How many bytes wait to be pulled. */
    public int available() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** The capacity. */
    public int capacity() {
        return ring.length;
    }

    private void push(byte b) {
        ring[(head + count) % ring.length] = b;
        count++;
    }

    private void notifyListener() {
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public String toString() {
        return "SerialInputQueue(" + available() + "/" + ring.length + ")";
    }
}
