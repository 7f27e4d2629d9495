package dev.axvm.device.virtio;

import dev.axvm.device.uart.SerialSink;
import dev.axvm.device.uart.SerialSource;
import java.util.Objects;

/**
 * virtio-console (device id 3, virtio 1.x section 5.3) with one port and no optional features:
 * Linux's {@code hvc0}. Queue 0 (receiveq) takes host input: each byte from the
 * {@link SerialSource} goes into the next buffer the driver posted, and bytes wait in the source
 * while there is none. Queue 1 (transmitq) sends what the guest writes to the {@link SerialSink},
 * the same host side the UARTs use.
 *
 * <p>Its snapshot state is the one byte it may hold: taken from the source while no receive
 * buffer was posted, delivered into the next one. Bytes still in the source are the host's (the
 * VM's console input), not the device's. A request is never held across calls: each one taken
 * from a queue is completed before {@link #serve} returns.
 */
public final class VirtioConsole implements VirtioDevice {
    /** The queue size offered. */
    public static final int QUEUE_SIZE = 64;
    static final int RECEIVE = 0;
    static final int TRANSMIT = 1;

    private final SerialSink sink;
    private final SerialSource source;
    private final byte[] scratch = new byte[1024];
    private final DescriptorChain chain = new DescriptorChain(QUEUE_SIZE);
    private int heldByte = -1; // taken from the source while no receive buffer was known to be posted

    /** A console writing to {@code sink} and reading from {@code source} (which it attaches to). */
    public VirtioConsole(SerialSink sink, SerialSource source) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public int deviceId() {
        return 3;
    }

    @Override
    public String kind() {
        return "virtio-console";
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public void connect(QueueKick kick) {
        source.attach(() -> kick.kick(RECEIVE));
    }

    @Override
    public void serve(VirtQueue queue) {
        if (queue.index() == TRANSMIT) {
            transmit(queue);
        } else {
            receive(queue);
        }
    }

    private void transmit(VirtQueue queue) {
        for (int budget = queue.size(); budget > 0 && queue.pop(chain); budget--) {
            long total = chain.readableLength();
            for (long pos = 0; pos < total; ) {
                int n = chain.read(pos, scratch, 0, scratch.length);
                sink.transmit(scratch, 0, n);
                pos += n;
            }
            queue.complete(chain.head(), 0);
        }
    }

    private void receive(VirtQueue queue) {
        for (int budget = queue.size(); budget > 0; budget--) {
            int first = heldByte >= 0 ? heldByte : source.poll();
            if (first < 0) {
                return;
            }
            if (!queue.pop(chain)) {
                heldByte = first;
                return;
            }
            heldByte = -1;
            long room = chain.writableLength();
            if (room == 0) {
                heldByte = first; // a buffer with no room: give it back empty, keep the byte
                queue.complete(chain.head(), 0);
                continue;
            }
            int n = 0;
            scratch[n++] = (byte) first;
            while (n < scratch.length && n < room) {
                int b = source.poll();
                if (b < 0) {
                    break;
                }
                scratch[n++] = (byte) b;
            }
            chain.write(0, scratch, 0, n);
            queue.complete(chain.head(), n);
        }
    }

    @Override
    public void reset() {
        chain.reset();
    }

    /** Whether a byte is held (1 byte, 0 or 1), then the byte (0 when none). */
    @Override
    public byte[] saveState() {
        return new byte[] {(byte) (heldByte >= 0 ? 1 : 0), (byte) Math.max(heldByte, 0)};
    }

    @Override
    public Runnable restoring(byte[] state) {
        if (state.length != 2 || (state[0] & 0xff) > 1 || (state[0] == 0 && state[1] != 0)) {
            throw new IllegalArgumentException(state.length != 2 ? state.length + " bytes (offset 0); the held byte takes 2"
                    : "held-byte flag " + (state[0] & 0xff) + " and byte " + (state[1] & 0xff)
                            + " (offset 0) are not a held byte or none");
        }
        int held = state[0] == 1 ? state[1] & 0xff : -1;
        return () -> heldByte = held;
    }
}
