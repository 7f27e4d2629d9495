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

    @Test
    void theEscapeByteEndsTheInputWithoutReachingTheGuestAndRunsTheEscapeAction() throws InterruptedException {
        SerialInputQueue queue = new SerialInputQueue();
        AtomicInteger escapes = new AtomicInteger();
        byte[] typed = {'l', 's', '\r', 0x03, TerminalInput.CTRL_RIGHT_BRACKET, 'x'};
        Thread t = TerminalInput.start(new ByteArrayInputStream(typed), queue, "test-console",
                TerminalInput.CTRL_RIGHT_BRACKET, escapes::incrementAndGet);
        t.join(5000);
        assertFalse(t.isAlive());
        assertEquals(1, escapes.get());
        assertEquals(4, queue.available(), "Ctrl-C (0x03) goes to the guest; the escape and what follows it do not");
    }

    @Test
    void pipedInputHasNoEscapeByte() throws InterruptedException {
        SerialInputQueue queue = new SerialInputQueue();
        byte[] piped = {TerminalInput.CTRL_RIGHT_BRACKET, 'a'};
        Thread t = TerminalInput.start(new ByteArrayInputStream(piped), queue, "test-console");
        t.join(5000);
        assertEquals(2, queue.available());
    }
}
