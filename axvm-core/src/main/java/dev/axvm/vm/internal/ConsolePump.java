package dev.axvm.vm.internal;

import dev.axvm.device.uart.QueuedSerialSink;
import dev.axvm.device.uart.SerialSink;

/**
 * The VM's side of its console output: the embedder's sink as it is when it cannot block, else
 * behind a {@link QueuedSerialSink} that the VM owns and closes — so that a stalled terminal or
 * pipe never parks a vCPU inside a UART's lock.
 */
final class ConsolePump implements AutoCloseable {
    private final SerialSink sink;
    private final QueuedSerialSink queue;

    private ConsolePump(SerialSink sink, QueuedSerialSink queue) {
        this.sink = sink;
        this.queue = queue;
    }

    /** The pump for {@code sink}; a writer thread named {@code threadName} only when the sink may block. */
    static ConsolePump wrap(SerialSink sink, String threadName) {
        if (!sink.mayBlock()) {
            return new ConsolePump(sink, null);
        }
        QueuedSerialSink queue = new QueuedSerialSink(sink, threadName);
        return new ConsolePump(queue, queue);
    }

    /** What the UARTs write to. */
    SerialSink sink() {
        return sink;
    }

    /** Hands over what is queued (bounded) and ends the writer thread, if there is one. */
    @Override
    public void close() {
        if (queue != null) {
            queue.close();
        }
    }
}
