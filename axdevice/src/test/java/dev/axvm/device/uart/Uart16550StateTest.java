package dev.axvm.device.uart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.TriggerMode;
import dev.axvm.testing.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A 16550's snapshot state: a restored UART behaves as the one it was taken of, and hostile state is refused. */
class Uart16550StateTest {
    /** A UART with its own sink and interrupt recorder, and no host input. */
    private record Probe(Uart16550 uart, CapturingSerialSink out, RecordingInterruptSink irqs) {
        static Probe fresh() {
            CapturingSerialSink out = new CapturingSerialSink();
            RecordingInterruptSink irqs = new RecordingInterruptSink();
            return new Probe(new Uart16550(out, SerialSource.none(), new InterruptLine(irqs, 4, TriggerMode.LEVEL)), out, irqs);
        }
    }

    /** One guest access, the same for any UART given the same random state: returns what a read gave. */
    private static int step(Uart16550 uart, SplittableRandom r) {
        int reg = r.nextInt(Uart16550.REGISTER_COUNT);
        if (r.nextBoolean()) {
            // Loopback and FIFO traffic are what fill the receive FIFO without a host.
            int value = reg == Uart16550.MCR && r.nextInt(3) == 0 ? 0x10 | r.nextInt(16) : r.nextInt(256);
            uart.writeRegister(reg, value);
            return -1;
        }
        return uart.readRegister(reg);
    }

    @Test
    void aRestoredUartAnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        for (long seed : Seeds.forCases("Uart16550StateTest.roundTrip", 3000)) {
            SplittableRandom r = new SplittableRandom(seed);
            Probe a = Probe.fresh();
            for (int i = r.nextInt(200); i > 0; i--) {
                step(a.uart(), r);
            }
            byte[] state = a.uart().saveState();
            Probe b = Probe.fresh();
            b.uart().restoreState(state);
            assertArrayEquals(state, b.uart().saveState(), Seeds.replay(seed) + ": the state comes back as saved");
            assertEquals(a.irqs().level(4), b.irqs().level(4), Seeds.replay(seed) + ": the interrupt line");
            a.out().clear();
            long next = r.nextLong();
            SplittableRandom ra = new SplittableRandom(next);
            SplittableRandom rb = new SplittableRandom(next);
            for (int i = 0; i < 100; i++) {
                assertEquals(step(a.uart(), ra), step(b.uart(), rb), Seeds.replay(seed) + ": access " + i + " after the restore");
                assertEquals(a.irqs().level(4), b.irqs().level(4), Seeds.replay(seed) + ": the line after access " + i);
            }
            assertArrayEquals(a.out().bytes(), b.out().bytes(), Seeds.replay(seed) + ": what both transmitted");
        }
    }

    @Test
    void hostileStateIsRefusedNamingTheFieldAndLeavesTheUartAsItWas() {
        int accepted = 0;
        for (long seed : Seeds.forCases("Uart16550StateTest.hostile", 20_000)) {
            SplittableRandom r = new SplittableRandom(seed);
            Probe p = Probe.fresh();
            for (int i = r.nextInt(50); i > 0; i--) {
                step(p.uart(), r);
            }
            byte[] before = p.uart().saveState();
            // Mostly a real state with a few bytes changed, sometimes any bytes at all.
            byte[] state = r.nextInt(4) == 0 ? new byte[r.nextInt(40)] : p.uart().saveState();
            if (state.length > 0 && state.length == before.length) {
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    state[r.nextInt(state.length)] = (byte) r.nextInt(256);
                }
                if (r.nextInt(10) == 0) {
                    state = java.util.Arrays.copyOf(state, r.nextInt(state.length + 5));
                }
            } else {
                r.nextBytes(state);
            }
            try {
                p.uart().restoreState(state);
                assertArrayEquals(state, p.uart().saveState(), Seeds.replay(seed) + ": an accepted state is the state");
                accepted++;
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("16550 state: "), Seeds.replay(seed) + ": " + e.getMessage());
                assertArrayEquals(before, p.uart().saveState(), Seeds.replay(seed) + ": a refused state changes nothing");
            } catch (RuntimeException e) {
                fail(Seeds.replay(seed) + ": " + e);
            }
        }
        assertTrue(accepted > 1000, "some changed states are valid ones, and were taken: " + accepted);
    }
}
