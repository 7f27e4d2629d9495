package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axvm.device.uart.SerialSink;
import dev.axvm.testing.Seeds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The console's lines pass every byte on, and the panic watch sees Linux's panic line however the output is cut. */
class PanicWatchTest {
    private static final String PANIC = "[    3.141592] Kernel panic - not syncing: sysrq triggered crash\r\n";

    private record Watched(ByteArrayOutputStream passed, List<String> panics, ConsoleLines watch) {}

    private static Watched watch() {
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        List<String> panics = new ArrayList<>();
        SerialSink sink = b -> passed.write(b);
        return new Watched(passed, panics, new ConsoleLines(sink, List.of(new PanicWatch(panics::add))));
    }

    @Test
    void thePanicLineIsReportedWithoutItsTimestampAndEveryBytePassesOn() {
        Watched w = watch();
        byte[] out = ("booting\r\n" + PANIC + "---[ end Kernel panic ]---\r\n").getBytes(StandardCharsets.US_ASCII);
        w.watch().transmit(out, 0, out.length);
        assertEquals(List.of("Kernel panic - not syncing: sysrq triggered crash"), w.panics());
        assertArrayEquals(out, w.passed().toByteArray());
    }

    @Test
    void ordinaryOutputReportsNothing() {
        Watched w = watch();
        for (byte b : "Kernel panic - syncing is fine\nnot syncing: Kernel\n".getBytes(StandardCharsets.US_ASCII)) {
            w.watch().transmit(b);
        }
        assertEquals(List.of(), w.panics());
    }

    @Test
    void aLongPanicLineIsCutAndControlBytesAreMasked() {
        Watched w = watch();
        String line = "Kernel panic - not syncing: \u001b[31m" + "x".repeat(500) + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        w.watch().transmit(bytes, 0, bytes.length);
        String seen = w.panics().getFirst();
        assertEquals("Kernel panic - not syncing: ?[31m", seen.substring(0, 33));
        assertEquals(243, seen.length(), "240 bytes and an ellipsis");
    }

    /** The line arrives in chunks of any size, byte by byte or batched, among other output. */
    @Test
    void thePanicIsFoundHoweverTheOutputIsChunked() {
        for (long seed : Seeds.forCases("PanicWatchTest.chunks", 2000)) {
            Random r = new Random(seed);
            StringBuilder text = new StringBuilder();
            int panics = 0;
            for (int i = 0; i < 20; i++) {
                if (r.nextInt(5) == 0) {
                    text.append(PANIC);
                    panics++;
                } else {
                    text.append("line ").append(r.nextInt()).append(r.nextBoolean() ? "\r\n" : "\n");
                }
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
            Watched w = watch();
            for (int at = 0; at < bytes.length; ) {
                int n = Math.min(bytes.length - at, 1 + r.nextInt(40));
                if (n == 1) {
                    w.watch().transmit(bytes[at]);
                } else {
                    w.watch().transmit(bytes, at, n);
                }
                at += n;
            }
            assertEquals(panics, w.panics().size(), Seeds.replay(seed));
            assertArrayEquals(bytes, w.passed().toByteArray(), Seeds.replay(seed));
        }
    }
}
