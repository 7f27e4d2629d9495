package dev.axvm.device.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.device.InterruptLine;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host-to-UART input queue: bounded, back-pressured, one UART. */
class SerialInputQueueTest {
    @Test
    void offerTakesOnlyWhatFits() {
        SerialInputQueue q = new SerialInputQueue(4);
        assertEquals(4, q.offer(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6));
        assertEquals(0, q.offer(new byte[] {7}, 0, 1));
        assertEquals(1, q.poll());
        assertEquals(1, q.offer(new byte[] {7, 8}, 1, 1));
        assertEquals(2, q.poll());
        assertEquals(3, q.poll());
        assertEquals(4, q.poll());
        assertEquals(8, q.poll());
        assertEquals(-1, q.poll());
    }

    @Test
    void bytesComeOutUnsigned() {
        SerialInputQueue q = new SerialInputQueue(2);
        q.offer(new byte[] {(byte) 0xFF}, 0, 1);
        assertEquals(0xFF, q.poll());
    }

    @Test
    void timedOfferGivesUpWhenFull() throws InterruptedException {
        SerialInputQueue q = new SerialInputQueue(1);
        assertTrue(q.offer((byte) 1, 0, TimeUnit.MILLISECONDS));
        assertFalse(q.offer((byte) 2, 10, TimeUnit.MILLISECONDS));
    }

    @Test
    void putBlocksUntilTheGuestReadsAndMakesRoom() throws InterruptedException {
        SerialInputQueue q = new SerialInputQueue(1);
        Uart16550 uart = new Uart16550(b -> {}, q, InterruptLine.disconnected());
        q.put((byte) 'a'); // pulled into the 1-byte holding register at once
        q.put((byte) 'b'); // waits in the queue
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread pusher = Thread.ofPlatform().start(() -> {
            try {
                started.countDown();
                q.put((byte) 'c');
                done.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            started.await();
            assertFalse(done.await(50, TimeUnit.MILLISECONDS), "the queue and the holding register are full");
            assertEquals('a', uart.readRegister(Uart16550.RBR));
            assertTrue(done.await(5, TimeUnit.SECONDS), "reading made room and released the pusher");
            assertEquals('b', uart.readRegister(Uart16550.RBR));
            assertEquals('c', uart.readRegister(Uart16550.RBR));
        } finally {
            pusher.interrupt();
            pusher.join(5000);
        }
    }

    @Test
    void aQueueFeedsOneUart() {
        SerialInputQueue q = new SerialInputQueue();
        new Uart16550(b -> {}, q, InterruptLine.disconnected());
        assertThrows(IllegalStateException.class, () -> new Uart16550(b -> {}, q, InterruptLine.disconnected()));
    }

    @Test
    void capacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new SerialInputQueue(0));
    }
}
