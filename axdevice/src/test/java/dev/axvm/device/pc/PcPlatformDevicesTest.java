package dev.axvm.device.pc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.RecordingVmControl;
import dev.axvm.device.TriggerMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The legacy PC devices through the registry, as a guest kernel's probes reach them. */
class PcPlatformDevicesTest {
    private final RecordingVmControl control = new RecordingVmControl();
    private final RecordingInterruptSink interrupts = new RecordingInterruptSink();
    private final AxVmDevices devices = new AxVmDevices();
    private final AccessOutcome outcome = new AccessOutcome(new DeviceContext(1, 0, new ArrayGuestMemory(0, 16)));
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T21:07:09Z"), ZoneOffset.UTC);

    PcPlatformDevicesTest() {
        devices.add(new AcpiSleepRegisters(0x600, control));
        devices.add(new PciConfigPorts(control));
        new I8042(control, new InterruptLine(interrupts, I8042.IRQ, TriggerMode.EDGE)).ports().forEach(devices::add);
        devices.add(new CmosRtc(clock));
        devices.add(new PostCodePort());
    }

    private long in(int port, AccessWidth width) {
        assertEquals(AccessStatus.COMPLETED, devices.portRead(port, width, outcome), "port 0x" + Integer.toHexString(port));
        return outcome.value();
    }

    private void out(int port, AccessWidth width, long value) {
        assertEquals(AccessStatus.COMPLETED, devices.portWrite(port, width, value, outcome), "port 0x" + Integer.toHexString(port));
    }

    @Test
    void sleepTypeFiveWithSleepEnablePowersOffAndNothingElseDoes() {
        out(0x600, AccessWidth.BYTE, 5 << 2); // SLP_TYP without SLP_EN
        out(0x600, AccessWidth.BYTE, AcpiSleepRegisters.SLP_EN | 3 << 2); // another sleep type
        out(0x601, AccessWidth.BYTE, AcpiSleepRegisters.powerOffValue()); // the status register
        assertEquals(List.of(), control.requests());
        out(0x600, AccessWidth.BYTE, AcpiSleepRegisters.powerOffValue());
        assertEquals(List.of("powerOff"), control.requests());
        assertEquals(0x34, AcpiSleepRegisters.powerOffValue(), "SLP_EN | SLP_TYP 5 << 2, the value Linux writes");
    }

    @Test
    void pciAddressLatchesButEveryFunctionIsAbsent() {
        out(0xcf8, AccessWidth.DWORD, 0x8000_0000L);
        assertEquals(0x8000_0000L, in(0xcf8, AccessWidth.DWORD));
        out(0xcf8, AccessWidth.DWORD, 0x8000_0803L); // reserved low bits are not kept
        assertEquals(0x8000_0800L, in(0xcf8, AccessWidth.DWORD));
        assertEquals(0xffff_ffffL, in(0xcfc, AccessWidth.DWORD), "vendor id all-ones: no device");
        assertEquals(0xffffL, in(0xcfe, AccessWidth.WORD));
        assertEquals(List.of(), control.requests());
    }

    @Test
    void theResetControlRegisterResetsOnRstCpuOnly() {
        out(0xcf9, AccessWidth.BYTE, 0x02); // SYS_RST alone selects the kind of reset, it does not start one
        assertEquals(List.of(), control.requests());
        assertEquals(0x02, in(0xcf9, AccessWidth.BYTE));
        out(0xcf9, AccessWidth.BYTE, 0x06); // the FADT's RESET_VALUE
        assertEquals(List.of("reset"), control.requests());
    }

    @Test
    void i8042PassesItsSelfTestsAndHasNoAuxPort() {
        out(0x64, AccessWidth.BYTE, 0xaa);
        assertEquals(I8042.STATUS_OUTPUT_FULL, in(0x64, AccessWidth.BYTE) & I8042.STATUS_OUTPUT_FULL);
        assertEquals(0x55, in(0x60, AccessWidth.BYTE));
        assertEquals(0, in(0x64, AccessWidth.BYTE) & I8042.STATUS_OUTPUT_FULL, "the buffer is empty once read");
        out(0x64, AccessWidth.BYTE, 0xab);
        assertEquals(0x00, in(0x60, AccessWidth.BYTE), "keyboard interface test passed");
        out(0x64, AccessWidth.BYTE, 0xa9);
        assertEquals(0x01, in(0x60, AccessWidth.BYTE), "aux interface test fails: no mouse");
    }

    @Test
    void i8042CommandByteRoundTripsThroughCommands20And60() {
        out(0x64, AccessWidth.BYTE, 0x60);
        out(0x60, AccessWidth.BYTE, 0x45);
        out(0x64, AccessWidth.BYTE, 0x20);
        assertEquals(0x45, in(0x60, AccessWidth.BYTE));
    }

    @Test
    void keyboardIdentifiesItselfAndInterruptsPerByte() {
        out(0x60, AccessWidth.BYTE, 0xf2);
        assertEquals(0xfa, in(0x60, AccessWidth.BYTE));
        assertEquals(0xab, in(0x60, AccessWidth.BYTE));
        assertEquals(0x83, in(0x60, AccessWidth.BYTE));
        assertEquals(3, interrupts.risingEdges(I8042.IRQ), "one IRQ 1 edge per byte made ready");
    }

    @Test
    void aGuestThatNeverReadsCannotGrowTheOutputBuffer() {
        for (int i = 0; i < 10_000; i++) {
            out(0x60, AccessWidth.BYTE, 0xff);
        }
        int read = 0;
        while ((in(0x64, AccessWidth.BYTE) & I8042.STATUS_OUTPUT_FULL) != 0) {
            in(0x60, AccessWidth.BYTE);
            read++;
        }
        assertEquals(16, read);
    }

    @Test
    void i8042ResetsTheVmByCommandFeAndByTheOutputPort() {
        out(0x64, AccessWidth.BYTE, 0xfe);
        assertEquals(List.of("reset"), control.requests());
        control.clear();
        out(0x64, AccessWidth.BYTE, 0xd1);
        out(0x60, AccessWidth.BYTE, 0x01); // reset line high: no reset
        assertEquals(List.of(), control.requests());
        out(0x64, AccessWidth.BYTE, 0xd1);
        out(0x60, AccessWidth.BYTE, 0x00);
        assertEquals(List.of("reset"), control.requests());
    }

    private int cmos(int register) {
        out(0x70, AccessWidth.BYTE, register);
        return (int) in(0x71, AccessWidth.BYTE);
    }

    private void setCmos(int register, int value) {
        out(0x70, AccessWidth.BYTE, register);
        out(0x71, AccessWidth.BYTE, value);
    }

    @Test
    void cmosReadsTheHostTimeInBcdByDefault() {
        assertEquals(0x09, cmos(CmosRtc.SECONDS));
        assertEquals(0x07, cmos(CmosRtc.MINUTES));
        assertEquals(0x21, cmos(CmosRtc.HOURS));
        assertEquals(0x06, cmos(CmosRtc.DAY_OF_MONTH));
        assertEquals(0x12, cmos(CmosRtc.MONTH));
        assertEquals(0x26, cmos(CmosRtc.YEAR));
        assertEquals(0x20, cmos(CmosRtc.CENTURY));
        assertEquals(0x01, cmos(CmosRtc.DAY_OF_WEEK), "a Sunday");
        assertEquals(0, cmos(CmosRtc.STATUS_A) & 0x80, "never an update in progress");
        assertEquals(0x80, cmos(CmosRtc.STATUS_D), "valid RAM and time");
    }

    @Test
    void cmosHonoursBinaryAndTwelveHourModes() {
        setCmos(CmosRtc.STATUS_B, CmosRtc.B_BINARY);
        assertEquals(9, cmos(CmosRtc.HOURS) & 0x7f);
        assertEquals(0x80, cmos(CmosRtc.HOURS) & 0x80, "PM");
        assertEquals(26, cmos(CmosRtc.YEAR));
    }

    @Test
    void aGuestSettingTheClockMovesOnlyItsOwnTime() {
        setCmos(CmosRtc.YEAR, 0x30);
        setCmos(CmosRtc.HOURS, 0x05);
        assertEquals(0x30, cmos(CmosRtc.YEAR));
        assertEquals(0x05, cmos(CmosRtc.HOURS));
        assertEquals(0x07, cmos(CmosRtc.MINUTES));
        setCmos(CmosRtc.MONTH, 0x13); // no thirteenth month: ignored
        assertEquals(0x12, cmos(CmosRtc.MONTH));
    }

    @Test
    void cmosNvramKeepsWhatIsWrittenAndTheIndexIgnoresTheNmiBit() {
        setCmos(0x80 | 0x40, 0x5a);
        assertEquals(0x5a, cmos(0x40));
    }

    @Test
    void portEightySwallowsWritesAndReadsAllOnes() {
        out(0x80, AccessWidth.BYTE, 0x12);
        assertEquals(0xff, in(0x80, AccessWidth.BYTE));
        assertTrue(control.requests().isEmpty());
    }
}
