package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventFdTest {
    @Test
    void signalsAddUpUntilAWaitTakesThem() {
        try (EventFd e = EventFd.create()) {
            e.signal();
            e.signal();
            assertEquals(2, e.await());
            e.signal();
            assertEquals(1, e.await());
        }
    }

    @Test
    void aWaitBlocksUntilAnotherThreadSignals() throws Exception {
        try (EventFd e = EventFd.create()) {
            CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(e::await, r -> Thread.ofPlatform().start(r));
            Thread.sleep(50);
            assertFalse(waited.isDone());
            e.signal();
            assertEquals(1, waited.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedEventFdRefusesToWaitAndClosingTwiceIsFine() {
        EventFd e = EventFd.create();
        assertTrue(e.fd() >= 0);
        e.close();
        e.close();
        KvmException x = assertThrows(KvmException.class, e::await);
        assertTrue(x.getMessage().contains("closed"), x.getMessage());
    }
}
