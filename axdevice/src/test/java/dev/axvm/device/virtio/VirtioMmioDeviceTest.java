package dev.axvm.device.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.TriggerMode;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtioMmioDeviceTest {
    private static final long BASE = 0x0a00_0000L;
    private static final int IRQ = 40;

    private final GuestRam ram = new GuestRam();
    private final RecordingInterruptSink irqs = new RecordingInterruptSink();
    private final VirtioMmioDevice dev = new VirtioMmioDevice("rng0", BASE, 0x200, new VirtioRng(new Random(7)),
            new InterruptLine(irqs, IRQ, TriggerMode.LEVEL), EmulatedDeviceType.DUMMY);
    private final Driver driver = new Driver(dev, ram);

    @AfterEach
    void close() {
        ram.close();
    }

    @Test
    void identifiesAsAVersion2EntropyDeviceOfferingVersion1AndTheRingFeatures() {
        assertEquals(0x74726976, driver.read(0x000));
        assertEquals(2, driver.read(0x004));
        assertEquals(4, driver.read(0x008));
        long features = driver.deviceFeatures();
        assertTrue((features & Driver.VERSION_1) != 0);
        assertTrue((features & (1L << 28)) != 0, "indirect descriptors");
        assertTrue((features & (1L << 29)) != 0, "event index");
        driver.write(0x030, 0);
        assertEquals(VirtioRng.QUEUE_SIZE, driver.read(0x034));
        driver.write(0x030, 1);
        assertEquals(0, driver.read(0x034), "a queue the device does not have has size 0");
    }

    @Test
    void refusesFeaturesWithoutVersion1OrBeyondTheOffer() {
        assertEquals(3, driver.negotiate(0), "FEATURES_OK does not stick without VERSION_1");
        assertEquals(3, driver.negotiate(Driver.VERSION_1 | (1L << 40)), "nor with a bit not offered");
        assertEquals(11, driver.negotiate(Driver.VERSION_1));
        assertEquals(Driver.VERSION_1, dev.negotiatedFeatures());
    }

    @Test
    void ignoresDriverOkWithoutFeaturesOk() {
        driver.negotiate(0);
        driver.write(0x070, 3 | 4);
        assertEquals(3, driver.read(0x070));
    }

    @Test
    void fillsARequestWithRandomBytesAndRaisesTheInterruptUntilAcknowledged() {
        driver.start(0, 16, 1);
        driver.descriptor(0, 0, Driver.DATA, 32, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertEquals(1, driver.usedIdx(0));
        assertEquals(0, driver.usedId(0, 0));
        assertEquals(32, driver.usedLen(0, 0));
        byte[] expected = new byte[VirtioRng.MAX_PER_REQUEST];
        new Random(7).nextBytes(expected);
        assertArrayEquals(java.util.Arrays.copyOf(expected, 32), ram.bytes(Driver.DATA, 32));
        assertEquals(1, driver.interruptStatus());
        assertTrue(irqs.level(IRQ));
        driver.ack(1);
        assertEquals(0, driver.interruptStatus());
        assertFalse(irqs.level(IRQ));
    }

    @Test
    void givesNoInterruptWhenTheDriverAsksForNone() {
        driver.start(0, 16, 1);
        ram.u16(Driver.avail(0), 1); // VIRTQ_AVAIL_F_NO_INTERRUPT
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertEquals(1, driver.usedIdx(0));
        assertFalse(irqs.level(IRQ));
    }

    @Test
    void withEventIndexInterruptsOnlyWhenUsedPassesUsedEventAndAsksForTheNextNotification() {
        driver.start(1L << 29, 16, 1);
        long usedEvent = Driver.avail(0) + 4 + 2 * 16;
        ram.u16(usedEvent, 1); // interrupt once the used index passes 1, i.e. at the second request
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertFalse(irqs.level(IRQ));
        driver.offer(0, 0);
        assertTrue(irqs.level(IRQ));
        long availEvent = Driver.used(0) + 4 + 8 * 16;
        assertEquals(2, ram.u16(availEvent), "the device asks to be told when request 2 arrives");
    }

    @Test
    void aMalformedQueueNeedsResetReportedOnceWithAConfigInterruptAndResetRecovers() {
        driver.start(0, 16, 1);
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE | VirtQueue.DESC_F_NEXT, 0); // loops to itself
        driver.offer(0, 0);
        assertEquals(64, driver.read(0x070) & 64);
        assertNotNull(dev.brokenBecause());
        assertTrue(dev.brokenBecause().contains("longer than"), dev.brokenBecause());
        assertEquals(2, driver.interruptStatus() & 2);
        assertEquals(0, driver.usedIdx(0));
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertEquals(0, driver.usedIdx(0), "a broken device serves nothing until reset");

        ram.clear();
        driver.start(0, 16, 1);
        assertNull(dev.brokenBecause());
        assertEquals(15, driver.read(0x070));
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertEquals(1, driver.usedIdx(0));
    }

    @Test
    void aBufferOfTwoGibOrMoreNeedsResetBeforeItsLengthIsUsed() {
        driver.start(0, 16, 1);
        driver.descriptor(0, 0, Driver.DATA, 0x8000_0000, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertEquals(64, driver.read(0x070) & 64);
        assertTrue(dev.brokenBecause().contains("2 GiB or more"), dev.brokenBecause());
        assertEquals(0, driver.usedIdx(0));
    }

    @Test
    void ringsOutsideGuestRamOrMisalignedNeedReset() {
        driver.negotiate(Driver.VERSION_1);
        driver.setUpQueue(0, 16, GuestRam.BASE + GuestRam.SIZE - 16, Driver.avail(0), Driver.used(0));
        assertEquals(0, driver.read(0x044), "the queue did not become ready");
        assertTrue(dev.brokenBecause().contains("descriptor table"), dev.brokenBecause());

        driver.negotiate(Driver.VERSION_1);
        driver.setUpQueue(0, 16, Driver.desc(0) + 8, Driver.avail(0), Driver.used(0));
        assertTrue(dev.brokenBecause().contains("aligned"), dev.brokenBecause());

        driver.negotiate(Driver.VERSION_1);
        driver.setUpQueue(0, 24, Driver.desc(0), Driver.avail(0), Driver.used(0));
        assertTrue(dev.brokenBecause().contains("power of 2"), dev.brokenBecause());
    }

    @Test
    void queueRegistersDoNotChangeWhileTheQueueIsReady() {
        driver.start(0, 16, 1);
        driver.write(0x080, 0x1234_5000);
        driver.write(0x038, 4);
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertEquals(1, driver.usedIdx(0));
    }

    @Test
    void narrowOrMisalignedControlAccessesReadZeroAndChangeNothing() {
        assertEquals(0, dev.handleRead(BASE + 1, AccessWidth.DWORD, driver.context));
        assertEquals(0, dev.handleRead(BASE, AccessWidth.BYTE, driver.context));
        dev.handleWrite(BASE + 0x070, AccessWidth.BYTE, 1, driver.context);
        assertEquals(0, driver.read(0x070));
        assertEquals(0, dev.handleRead(BASE + 0x1f8, AccessWidth.QWORD, driver.context), "past the (empty) config space");
    }

    @Test
    void resetDeviceForgetsTheSessionAndLowersTheLine() {
        driver.start(0, 16, 1);
        driver.descriptor(0, 0, Driver.DATA, 8, VirtQueue.DESC_F_WRITE, 0);
        driver.offer(0, 0);
        assertTrue(irqs.level(IRQ));
        dev.resetDevice();
        assertEquals(0, driver.read(0x070));
        assertEquals(0, driver.read(0x044));
        assertEquals(0, driver.interruptStatus());
        assertFalse(irqs.level(IRQ));
        assertTrue(ram.guardsIntact());
    }
}
