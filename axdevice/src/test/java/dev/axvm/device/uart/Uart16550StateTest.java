package dev.axvm.device.uart;

import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.StatefulDeviceProperties;
import dev.axvm.device.TriggerMode;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A 16550's snapshot state: a restored UART behaves as the one it was taken of, and hostile state is refused. */
class Uart16550StateTest {
    /** A UART with its own sink and interrupt recorder, and no host input. */
    private record Probe(Uart16550 uart, CapturingSerialSink out, RecordingInterruptSink irqs)
            implements StatefulDeviceProperties.Probe {
        static Probe fresh() {
            CapturingSerialSink out = new CapturingSerialSink();
            RecordingInterruptSink irqs = new RecordingInterruptSink();
            return new Probe(new Uart16550(out, SerialSource.none(), new InterruptLine(irqs, 4, TriggerMode.LEVEL)), out, irqs);
        }

        @Override
        public StatefulDevice device() {
            return uart;
        }

        /** Loopback and FIFO traffic are what fill the receive FIFO without a host. */
        @Override
        public long step(SplittableRandom r) {
            int reg = r.nextInt(Uart16550.REGISTER_COUNT);
            if (r.nextBoolean()) {
                int value = reg == Uart16550.MCR && r.nextInt(3) == 0 ? 0x10 | r.nextInt(16) : r.nextInt(256);
                uart.writeRegister(reg, value);
                return -1;
            }
            return uart.readRegister(reg);
        }

        @Override
        public Object effects() {
            return List.of(Arrays.toString(out.bytes()), irqs.level(4));
        }

        @Override
        public void forgetEffects() {
            out.clear();
        }
    }

    @Test
    void aRestoredUartAnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("Uart16550StateTest", 3000, Probe::fresh);
    }

    @Test
    void hostileStateIsRefusedNamingTheFieldAndLeavesTheUartAsItWas() {
        StatefulDeviceProperties.hostileStateIsRefusedOrTaken("Uart16550StateTest", 20_000, Probe::fresh, "16550 state: ", 40, 1000);
    }
}
