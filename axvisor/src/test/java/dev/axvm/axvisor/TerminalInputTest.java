package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.axvm.device.uart.SerialInputQueue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The console-input thread ends in a known way, whatever the UART it feeds does. */
class TerminalInputTest {
    @Test
    void aDeliveryThatThrowsIsReportedAndTheRestOfTheInputStillArrives() throws InterruptedException {
        SerialInputQueue queue = new SerialInputQueue();
        AtomicInteger calls = new AtomicInteger();
        // The UART's "data available" raises its interrupt line; into a VM that is closing, that once threw.
        queue.attach(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("Already closed");
            }
        });
        AtomicReference<Throwable> died = new AtomicReference<>();
        Thread t = TerminalInput.start(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), queue, "test-console");
        t.setUncaughtExceptionHandler((th, e) -> died.set(e));
        t.join(5000);
        assertFalse(t.isAlive(), "it ended at the end of input");
        assertNull(died.get(), "and not by dying");
        assertEquals(3, queue.available(), "every byte was queued");
        assertEquals('a', queue.poll());
    }
}
