package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axvm.device.uart.SerialSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code run --time-to}: from boot to the end of the first line that carries the text. */
class MarkerClockTest {
    private static void print(ConsoleLines console, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        console.transmit(b, 0, b.length);
    }

    @Test
    void theFirstLineWithTheTextStopsTheClock() {
        AtomicLong now = new AtomicLong(1_000);
        MarkerClock clock = new MarkerClock("AXVM-LINUX-INIT", now::get);
        ConsoleLines console = new ConsoleLines(SerialSink.DISCARD, List.of(clock));
        print(console, "AXVM-LINUX-INIT before boot\n");
        clock.booted();
        now.set(5_000);
        print(console, "[ 1.0] Run /init\r\nAXVM-LINUX-INIT upt");
        assertEquals(OptionalLong.empty(), clock.elapsedNanos(), "a line counts once it ends");
        now.set(9_000);
        print(console, "ime 3.2\r\n");
        now.set(20_000);
        print(console, "AXVM-LINUX-INIT again\n");
        assertEquals(OptionalLong.of(8_000), clock.elapsedNanos());
    }

    @Test
    void textThatNeverShowsLeavesNoTimeAndEmptyTextIsRefused() {
        MarkerClock clock = new MarkerClock("never", System::nanoTime);
        clock.booted();
        print(new ConsoleLines(SerialSink.DISCARD, List.of(clock)), "something else\n");
        assertEquals(OptionalLong.empty(), clock.elapsedNanos());
        assertThrows(IllegalArgumentException.class, () -> new MarkerClock("", System::nanoTime));
    }
}
