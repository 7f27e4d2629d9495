package dev.axvm.device.uart;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial sink that never blocks its caller: bytes go into a bounded ring, and a writer thread
 * of its own hands them to the real sink, which may block as long as it likes (a stalled terminal
 * or pipe). When the ring is full — the real sink has stalled for {@value #CAPACITY} bytes — new
 * bytes are dropped and counted ({@link #droppedBytes()}), and the first drop is logged: a guest
 * cannot make the host buffer without bound, nor park a vCPU inside a UART's lock.
 *
 * <p>{@link #close()} gives the writer up to 2 s to hand over what is queued, then stops it; the
 * thread always ends. The real sink stays its owner's.
 */
public final class QueuedSerialSink implements SerialSink, AutoCloseable {
    /** Bytes the ring holds. */
    public static final int CAPACITY = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(QueuedSerialSink.class);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int CHUNK = 4096;

    private final SerialSink target;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] ring = new byte[CAPACITY];
    private final Thread writer;
    private int head;
    private int count;
    private boolean writing;
    private boolean closing;
    private long dropped;

    /**
     * Starts the writer thread (a daemon named {@code threadName}) in front of {@code target}.
     */
    public QueuedSerialSink(SerialSink target, String threadName) {
        this.target = Objects.requireNonNull(target, "target");
        this.writer = Thread.ofPlatform().daemon().name(threadName).unstarted(this::drain);
        writer.start();
    }

    @Override
    public void transmit(byte b) {
        lock.lock();
        try {
            if (closing || count == CAPACITY) {
                dropped++; // reported by the writer, never here: this is a vCPU thread inside a UART's lock
                return;
            }
            ring[(head + count) % CAPACITY] = b;
            count++;
            if (count == 1) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    /** Bytes dropped because the real sink stalled (or after the close). */
    public long droppedBytes() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until everything queued so far has been handed to the real sink, or {@code timeoutNanos} pass.
     *
     * @return whether the queue drained
     */
    public boolean flush(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (count > 0 || writing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        byte[] chunk = new byte[CHUNK];
        for (;;) {
            int n = take(chunk);
            if (n == 0) {
                reportDrops();
                return; // closing, and everything is handed over
            }
            try {
                target.transmit(chunk, 0, n);
            } catch (RuntimeException e) {
                LOG.warn("{}: {} threw; its bytes are lost", writer.getName(), target, e);
            } finally {
                doneWriting();
            }
            reportDrops();
            if (Thread.currentThread().isInterrupted()) {
                return; // the close gave up waiting for a stalled sink
            }
        }
    }

    /** Waits for queued bytes and moves up to a chunk of them out; 0 when closing with nothing queued. */
    private int take(byte[] chunk) {
        lock.lock();
        try {
            while (count == 0 && !closing) {
                changed.awaitUninterruptibly();
            }
            int n = Math.min(Math.min(count, chunk.length), CAPACITY - head);
            System.arraycopy(ring, head, chunk, 0, n);
            head = (head + n) % CAPACITY;
            count -= n;
            writing = n > 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void doneWriting() {
        lock.lock();
        try {
            writing = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private long reported;

    /** Logs the bytes dropped since the last report (on the writer thread). */
    private void reportDrops() {
        long now = droppedBytes();
        if (now > reported) {
            LOG.warn("{}: {} stalled; {} bytes of output dropped ({} in all)", writer.getName(), target, now - reported, now);
            reported = now;
        }
    }

    /** Hands over what is queued (up to 2 s), then ends the writer thread. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS));
            if (writer.isAlive()) {
                writer.interrupt(); // a sink blocked in I/O may wake on it; either way the thread is a daemon
                writer.join(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the writer thread has ended. */
    public boolean isClosed() {
        return !writer.isAlive();
    }

    @Override
    public String toString() {
        return "queued " + target;
    }
}
