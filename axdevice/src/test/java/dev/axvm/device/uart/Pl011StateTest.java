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

/** A PL011's snapshot state: a restored UART behaves as the one it was taken of, and hostile state is refused. */
class Pl011StateTest {
    private static final int[] REGISTERS = {Pl011.DR, Pl011.RSR_ECR, Pl011.FR, Pl011.ILPR, Pl011.IBRD, Pl011.FBRD,
        Pl011.LCR_H, Pl011.CR, Pl011.IFLS, Pl011.IMSC, Pl011.RIS, Pl011.MIS, Pl011.ICR, Pl011.DMACR};

    /** A UART with its own sink and interrupt recorder, and no host input. */
    private record Probe(Pl011 uart, CapturingSerialSink out, RecordingInterruptSink irqs)
            implements StatefulDeviceProperties.Probe {
        static Probe fresh() {
            CapturingSerialSink out = new CapturingSerialSink();
            RecordingInterruptSink irqs = new RecordingInterruptSink();
            return new Probe(new Pl011("pl011", 0x0900_0000L, Pl011.WINDOW, out, SerialSource.none(),
                    new InterruptLine(irqs, Pl011.DEFAULT_IRQ, TriggerMode.LEVEL)), out, irqs);
        }

        @Override
        public StatefulDevice device() {
            return uart;
        }

        /** Loopback with the FIFO on is what fills the receive FIFO without a host. */
        @Override
        public long step(SplittableRandom r) {
            int reg = REGISTERS[r.nextInt(REGISTERS.length)];
            if (r.nextBoolean()) {
                int value = reg == Pl011.CR && r.nextInt(3) == 0 ? Pl011.CR_LBE | Pl011.CR_UARTEN | r.nextInt(0x10000)
                        : reg == Pl011.LCR_H && r.nextBoolean() ? Pl011.LCR_H_FEN | r.nextInt(256) : r.nextInt(0x10000);
                uart.writeRegister(reg, value);
                return -1;
            }
            return uart.readRegister(reg);
        }

        @Override
        public Object effects() {
            return List.of(Arrays.toString(out.bytes()), irqs.level(Pl011.DEFAULT_IRQ));
        }

        @Override
        public void forgetEffects() {
            out.clear();
        }
    }

    @Test
    void aRestoredUartAnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("Pl011StateTest", 3000, Probe::fresh);
    }

    @Test
    void hostileStateIsRefusedNamingTheFieldAndLeavesTheUartAsItWas() {
        StatefulDeviceProperties.hostileStateIsRefusedOrTaken("Pl011StateTest", 20_000, Probe::fresh, "PL011 'pl011' state: ", 40,
                1000);
    }
}
