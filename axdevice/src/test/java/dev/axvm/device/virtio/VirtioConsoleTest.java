package dev.axvm.device.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.device.uart.SerialInputQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtioConsoleTest {
    private final GuestRam ram = new GuestRam();
    private final CapturingSerialSink out = new CapturingSerialSink();
    private final SerialInputQueue in = new SerialInputQueue();
    private final Driver driver = new Driver(new VirtioMmioDevice("hvc0", 0x1000_0000L, 0x200, new VirtioConsole(out, in),
            InterruptLine.disconnected(), EmulatedDeviceType.VIRTIO_CONSOLE), ram);

    @AfterEach
    void close() {
        ram.close();
    }

    @Test
    void whatTheGuestTransmitsReachesTheSinkAcrossBuffers() {
        driver.start(0, 8, 2);
        ram.bytes(Driver.DATA, "hello, ".getBytes());
        ram.bytes(Driver.DATA + 0x100, "hvc0\n".getBytes());
        driver.descriptor(VirtioConsole.TRANSMIT, 3, Driver.DATA, 7, VirtQueue.DESC_F_NEXT, 5);
        driver.descriptor(VirtioConsole.TRANSMIT, 5, Driver.DATA + 0x100, 5, 0, 0);
        driver.offer(VirtioConsole.TRANSMIT, 3);
        assertEquals("hello, hvc0\n", out.text());
        assertEquals(3, driver.usedId(VirtioConsole.TRANSMIT, 0));
        assertEquals(0, driver.usedLen(VirtioConsole.TRANSMIT, 0));
    }

    @Test
    void typedBytesWaitForAReceiveBufferAndArriveInOrder() {
        driver.start(0, 8, 2);
        in.offer("ls\n".getBytes(), 0, 3);
        assertEquals(0, driver.usedIdx(VirtioConsole.RECEIVE));
        driver.descriptor(VirtioConsole.RECEIVE, 0, Driver.DATA, 2, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(VirtioConsole.RECEIVE, 0);
        assertArrayEquals("ls".getBytes(), ram.bytes(Driver.DATA, 2));
        assertEquals(2, driver.usedLen(VirtioConsole.RECEIVE, 0));
        driver.descriptor(VirtioConsole.RECEIVE, 1, Driver.DATA + 0x100, 64, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(VirtioConsole.RECEIVE, 1);
        assertArrayEquals("\n".getBytes(), ram.bytes(Driver.DATA + 0x100, 1));
        assertEquals(1, driver.usedLen(VirtioConsole.RECEIVE, 1));
        in.offer("x".getBytes(), 0, 1); // no buffer posted: it waits in the device
        driver.descriptor(VirtioConsole.RECEIVE, 2, Driver.DATA + 0x200, 64, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(VirtioConsole.RECEIVE, 2);
        assertArrayEquals("x".getBytes(), ram.bytes(Driver.DATA + 0x200, 1));
    }
}
