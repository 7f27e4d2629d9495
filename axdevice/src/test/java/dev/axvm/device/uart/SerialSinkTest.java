package dev.axvm.device.uart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The terminal/file sink and the in-memory sink. */
class SerialSinkTest {
    @Test
    void outputStreamSinkWritesAndFlushesEveryByte() {
        int[] flushes = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        OutputStreamSerialSink sink = new OutputStreamSerialSink(bytes, "test stream");
        sink.transmit((byte) 'h');
        sink.transmit((byte) 0xE9);
        assertArrayEquals(new byte[] {'h', (byte) 0xE9}, bytes.toByteArray());
        assertEquals(2, flushes[0]);
        assertEquals(0, sink.droppedBytes());
    }

    @Test
    void failingStreamCountsDroppedBytesInsteadOfThrowing() {
        int[] writes = {0};
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                throw new IOException("disk full");
            }
        };
        OutputStreamSerialSink sink = new OutputStreamSerialSink(broken, "/tmp/console.log");
        for (int i = 0; i < 5; i++) {
            sink.transmit((byte) i);
        }
        assertEquals(5, sink.droppedBytes());
        assertEquals(1, writes[0], "after the first failure the stream is left alone");
    }

    @Test
    void capturingSinkKeepsBytesUpToItsCapacity() {
        CapturingSerialSink sink = new CapturingSerialSink(600);
        for (int i = 0; i < 1000; i++) {
            sink.transmit((byte) ('a' + i % 26));
        }
        assertEquals(600, sink.size());
        assertEquals(400, sink.droppedBytes());
        assertTrue(sink.text().startsWith("abcdefghijklmnopqrstuvwxyzab"));
        sink.clear();
        assertEquals("", sink.text());
        assertEquals(0, sink.droppedBytes());
    }

    @Test
    void awaitTextReturnsOnceTheTextArrivesOrTimesOut() throws InterruptedException {
        CapturingSerialSink sink = new CapturingSerialSink();
        Thread writer = Thread.ofPlatform().start(() -> {
            for (byte b : "boot ok\n".getBytes()) {
                sink.transmit(b);
            }
        });
        assertTrue(sink.awaitText("ok", Duration.ofSeconds(5)));
        writer.join();
        assertFalse(sink.awaitText("panic", Duration.ofMillis(20)));
    }
}
