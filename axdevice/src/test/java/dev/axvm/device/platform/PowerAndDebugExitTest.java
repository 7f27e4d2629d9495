package dev.axvm.device.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.RecordingVmControl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The power-off port, the debug-exit port and the dummy device, through the registry. */
class PowerAndDebugExitTest {
    private final RecordingVmControl control = new RecordingVmControl();
    private final AxVmDevices devices = new AxVmDevices();
    private final AccessOutcome outcome = new AccessOutcome(new DeviceContext(3, 1, new ArrayGuestMemory(0, 16)));

    PowerAndDebugExitTest() {
        devices.add(new PowerOffDevice(control));
        devices.add(new DebugExitDevice(control));
    }

    @Test
    void writingTwoThousandHexToPort604PowersOff() {
        assertEquals(AccessStatus.COMPLETED, devices.portWrite(0x604, AccessWidth.WORD, 0x2000, outcome));
        assertEquals(List.of("powerOff"), control.requests());
        control.clear();
        devices.portWrite(0x604, AccessWidth.DWORD, 0x2000, outcome);
        assertEquals(List.of("powerOff"), control.requests());
    }

    @Test
    void otherWritesToThePowerPortAreIgnored() {
        devices.portWrite(0x604, AccessWidth.WORD, 0x2001, outcome);
        devices.portWrite(0x604, AccessWidth.BYTE, 0x2000, outcome); // truncated to 0x00
        devices.portWrite(0x604, AccessWidth.DWORD, 0x1_2000, outcome);
        devices.portWrite(0x605, AccessWidth.BYTE, 0x20, outcome);
        devices.portWrite(0x606, AccessWidth.WORD, 0x2000, outcome);
        assertEquals(List.of(), control.requests());
        assertEquals(AccessStatus.COMPLETED, devices.portRead(0x604, AccessWidth.WORD, outcome));
        assertEquals(0, outcome.value());
    }

    @Test
    void debugExitValueBecomesTheExitCode() {
        devices.portWrite(0x501, AccessWidth.BYTE, 0x31, outcome);
        devices.portWrite(0x501, AccessWidth.DWORD, 0xDEAD_BEEFL, outcome);
        devices.portWrite(0x502, AccessWidth.WORD, 0, outcome);
        assertEquals(List.of("exit 49", "exit " + 0xDEAD_BEEF, "exit 0"), control.requests());
        assertEquals(AccessStatus.COMPLETED, devices.portRead(0x501, AccessWidth.BYTE, outcome));
        assertEquals(0, outcome.value());
    }

    @Test
    void portsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new PowerOffDevice(0xfffd, control));
        assertThrows(IllegalArgumentException.class, () -> new DebugExitDevice(0xffff, 2, control));
        assertThrows(IllegalArgumentException.class, () -> new DebugExitDevice(0x501, 0, control));
        assertThrows(IllegalArgumentException.class, () -> new DebugExitDevice(0x501, 5, control));
        assertEquals(new PortRange(0xffff, 1), new DebugExitDevice(0xffff, 1, control).addressRange());
        assertEquals(new PortRange(0xf4, 4), new DebugExitDevice(0xf4, 4, control).addressRange());
    }

    @Test
    void dummyReadsZeroAtEveryWidthAndIgnoresWrites() {
        devices.add(new DummyDevice("dummy", new GuestPhysAddrRange(0x4000, 0x1000)));
        for (AccessWidth w : AccessWidth.values()) {
            assertEquals(AccessStatus.COMPLETED, devices.mmioWrite(0x4008, w, -1, outcome));
            assertEquals(AccessStatus.COMPLETED, devices.mmioRead(0x4008, w, outcome));
            assertEquals(0, outcome.value());
        }
    }
}
