package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.PortDevice;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.RecordingVmControl;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.StatefulDeviceProperties;
import dev.axvm.device.TriggerMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The PC devices' snapshot state: a restored device answers every later guest access as the one
 * it was taken of, and hostile state is refused, naming the field, without a change.
 */
class PcDeviceStateTest {
    private static final AccessWidth[] WIDTHS = {AccessWidth.BYTE, AccessWidth.WORD, AccessWidth.DWORD};

    /** One device behind its own registry, with what it asks of the VM and its interrupt line recorded. */
    private static final class Probe implements StatefulDeviceProperties.Probe {
        private final StatefulDevice device;
        private final AxVmDevices registry = new AxVmDevices();
        private final int[] ports;
        private final RecordingVmControl control = new RecordingVmControl();
        private final RecordingInterruptSink irqs = new RecordingInterruptSink();
        private final AccessOutcome outcome = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 16)));
        private int requestsSeen;
        private int changesSeen;

        Probe(BiFunction<RecordingVmControl, InterruptLine, StatefulDevice> make, int... ports) {
            this.device = make.apply(control, new InterruptLine(irqs, I8042.IRQ, TriggerMode.EDGE));
            this.ports = ports;
            if (device instanceof I8042 c) {
                c.ports().forEach(registry::add);
            } else {
                registry.add((PortDevice) device);
            }
        }

        static Probe i8042() {
            return new Probe((control, line) -> new I8042(control, line), I8042.DATA_PORT, I8042.COMMAND_PORT);
        }

        static Probe rtc() {
            return new Probe((control, line) -> new CmosRtc(Clock.fixed(Instant.parse("2026-12-06T21:07:09Z"), ZoneOffset.UTC)),
                    CmosRtc.INDEX_PORT, CmosRtc.INDEX_PORT + 1);
        }

        static Probe pci() {
            return new Probe((control, line) -> new PciConfigPorts(control), PciConfigPorts.ADDRESS_PORT,
                    PciConfigPorts.RESET_CONTROL_PORT, 0xcfc);
        }

        @Override
        public StatefulDevice device() {
            return device;
        }

        @Override
        public long step(SplittableRandom r) {
            int port = ports[r.nextInt(ports.length)];
            AccessWidth width = WIDTHS[r.nextInt(WIDTHS.length)];
            if (r.nextBoolean()) {
                // Commands and register indices are bytes; high ones (resets, self-tests) come often.
                registry.portWrite(port, width, r.nextInt(3) == 0 ? r.nextInt(256) : 0x80 | r.nextInt(0x7f) << 1, outcome);
                return -1;
            }
            registry.portRead(port, width, outcome);
            return outcome.value();
        }

        @Override
        public Object effects() {
            List<String> requests = control.requests();
            var changes = irqs.changes();
            return List.of(requests.subList(requestsSeen, requests.size()), changes.subList(changesSeen, changes.size()));
        }

        @Override
        public void forgetEffects() {
            requestsSeen = control.requests().size();
            changesSeen = irqs.changes().size();
        }
    }

    @Test
    void aRestoredI8042AnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("PcDeviceStateTest.i8042", 2000, Probe::i8042);
    }

    @Test
    void aRestoredRtcReadsTheGuestsOwnTimeAndNvramAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("PcDeviceStateTest.rtc", 2000, Probe::rtc);
    }

    @Test
    void restoredPciPortsLatchAsTheOnesTheyWereTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("PcDeviceStateTest.pci", 2000, Probe::pci);
    }

    @Test
    void hostileI8042StateIsRefusedNamingTheFieldAndChangesNothing() {
        StatefulDeviceProperties.hostileStateIsRefusedOrTaken("PcDeviceStateTest.i8042", 10_000, Probe::i8042, "i8042 state: ", 40, 500);
    }

    @Test
    void hostileRtcStateIsRefusedNamingTheFieldAndChangesNothing() {
        StatefulDeviceProperties.hostileStateIsRefusedOrTaken("PcDeviceStateTest.rtc", 10_000, Probe::rtc, "CMOS RTC state: ", 160,
                1000);
    }

    @Test
    void hostilePciStateIsRefusedNamingTheFieldAndChangesNothing() {
        StatefulDeviceProperties.hostileStateIsRefusedOrTaken("PcDeviceStateTest.pci", 10_000, Probe::pci,
                "PCI configuration state: ", 12, 500);
    }
}
