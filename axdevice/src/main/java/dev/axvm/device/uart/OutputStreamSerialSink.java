package dev.axvm.device.uart;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SerialSink} writing to an {@link OutputStream} (the terminal, a file), flushing after
 * every write so that prompts without a newline appear at once. Writing may block, so a VM puts a
 * {@link QueuedSerialSink} in front of it ({@link #mayBlock()}). The stream stays its owner's:
 * this sink never closes it.
 *
 * <p>When the stream fails, the first failure is logged at warn with its cause and every byte
 * from then on is counted in {@link #droppedBytes()} instead of being written; the guest is not
 * told, as a real UART whose cable is pulled does not tell it.
 */
public final class OutputStreamSerialSink implements SerialSink {
    private static final Logger LOG = LoggerFactory.getLogger(OutputStreamSerialSink.class);

    private final OutputStream out;
    private final String description;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean failed;

    /**
     * A sink over {@code out}.
     *
     * @param description names the stream in the warning when it fails, e.g. "terminal" or a file path
     */
    public OutputStreamSerialSink(OutputStream out, String description) {
        this.out = Objects.requireNonNull(out, "out");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public void transmit(byte b) {
        if (failed) {
            dropped.incrementAndGet();
            return;
        }
        try {
            out.write(b & 0xff);
            out.flush();
        } catch (IOException e) {
            failed = true;
            dropped.incrementAndGet();
            LOG.warn("serial output to {} failed; dropping its output from now on", description, e);
        }
    }

    /** Writes the chunk and flushes once: the queue in front of this sink hands over what piled up. */
    @Override
    public void transmit(byte[] bytes, int offset, int length) {
        if (failed) {
            dropped.addAndGet(length);
            return;
        }
        try {
            out.write(bytes, offset, length);
            out.flush();
        } catch (IOException e) {
            failed = true;
            dropped.addAndGet(length);
            LOG.warn("serial output to {} failed; dropping its output from now on", description, e);
        }
    }

    /** Bytes not written because the stream failed. */
    public long droppedBytes() {
        return dropped.get();
    }

    @Override
    public String toString() {
        return "serial output to " + description;
    }
}
