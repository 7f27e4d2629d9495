package dev.axvm.device.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.StatefulDeviceProperties;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.device.virtio.VirtioProbe.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The virtio-mmio transport's snapshot state with each backend: a restored device answers every
 * later access and request as the one it was taken of; hostile state is refused, naming the field,
 * or taken as is; a block device and a console carry on after a restore; a held device serves
 * nothing until released.
 */
class VirtioStateTest {
    private static final long HEADER = Driver.DATA + 0x7000;
    private static final long STATUS = Driver.DATA + 0x7800;
    private static Level transportLevel;

    @TempDir
    Path dir;

    @BeforeAll
    static void quietTransport() {
        // Random register writes break devices often: one "needs a reset" warning each.
        Logger log = (Logger) LoggerFactory.getLogger(VirtioMmioDevice.class);
        transportLevel = log.getLevel();
        log.setLevel(Level.ERROR);
    }

    @AfterAll
    static void loudTransport() {
        ((Logger) LoggerFactory.getLogger(VirtioMmioDevice.class)).setLevel(transportLevel);
    }

    @Test
    void aRestoredBlockDeviceAnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("VirtioStateTest.blk", 300, () -> new VirtioProbe(Kind.BLK, dir));
    }

    @Test
    void aRestoredConsoleAnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("VirtioStateTest.console", 500,
                () -> new VirtioProbe(Kind.CONSOLE, dir));
    }

    @Test
    void aRestoredEntropyDeviceAnswersEveryLaterAccessAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("VirtioStateTest.rng", 500, () -> new VirtioProbe(Kind.RNG, dir));
    }

    @Test
    void hostileStateIsRefusedNamingTheFieldOrTakenForEveryBackend() {
        for (Kind kind : Kind.values()) {
            StatefulDeviceProperties.hostileStateIsRefusedOrTaken("VirtioStateTest.hostile." + kind, kind == Kind.BLK ? 1000 : 2000,
                    () -> new VirtioProbe(kind, dir), VirtioProbe.prefix(kind), 200, 50);
        }
    }

    // ---- a block device and a console carry on after a restore --------------------------------

    private static void blockRequest(Driver d, int head, int type, long sector, long data, boolean notify) {
        d.ram.u32(HEADER + 0x20L * head, type);
        d.ram.u64(HEADER + 0x20L * head + 8, sector);
        d.descriptor(0, 3 * head, HEADER + 0x20L * head, 16, VirtQueue.DESC_F_NEXT, 3 * head + 1);
        d.descriptor(0, 3 * head + 1, data, VirtioBlock.SECTOR,
                VirtQueue.DESC_F_NEXT | (type == VirtioBlock.T_IN ? VirtQueue.DESC_F_WRITE : 0), 3 * head + 2);
        d.descriptor(0, 3 * head + 2, STATUS + head, 1, VirtQueue.DESC_F_WRITE, 0);
        if (notify) {
            d.offer(0, 3 * head);
        } else {
            d.makeAvailable(0, 3 * head);
        }
    }

    private static byte[] sector(int fill) {
        byte[] b = new byte[VirtioBlock.SECTOR];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private static VirtioMmioDevice blk(VirtioBlock block) {
        return new VirtioMmioDevice("vda", 0x1000_0000L, VirtioMmioDevice.WINDOW, block, InterruptLine.disconnected(),
                EmulatedDeviceType.VIRTIO_BLK);
    }

    @Test
    void aRestoredBlockDeviceServesWhatWasLeftAvailableAndNewRequestsButNothingTwice() throws IOException {
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[8 * VirtioBlock.SECTOR]);
        byte[] state;
        try (GuestRam ram = new GuestRam(); GuestRam copy = new GuestRam(); VirtioBlock first = VirtioBlock.open(image, false, "vda")) {
            Driver before = new Driver(blk(first), ram);
            before.start(1L << 29, 64, 1); // with the event index, whose positions the state carries too
            for (int i = 0; i < 4; i++) {
                ram.bytes(Driver.DATA + 0x200L * i, sector(0x10 + i));
                blockRequest(before, i, VirtioBlock.T_OUT, i, Driver.DATA + 0x200L * i, true);
            }
            assertEquals(4, before.usedIdx(0));
            ram.bytes(Driver.DATA + 0x800, sector(0x77));
            blockRequest(before, 4, VirtioBlock.T_OUT, 4, Driver.DATA + 0x800, false); // rung, not served yet
            state = before.dev.saveState();
            copy.ram.copyFrom(ram.ram);
            first.close();

            try (VirtioBlock second = VirtioBlock.open(image, false, "vda")) {
                VirtioMmioDevice restored = blk(second);
                restored.attachMemory(copy.memory);
                restored.restoreState(state);
                Driver after = new Driver(restored, copy);
                after.adopt(before);
                // Rewrite the image under the requests already served: serving one again would undo it.
                byte[] overwritten = Files.readAllBytes(image);
                Arrays.fill(overwritten, 0, 4 * VirtioBlock.SECTOR, (byte) 0xee);
                Files.write(image, overwritten);
                assertEquals(4, after.usedIdx(0), "nothing served by the restore itself");

                restored.serveAllQueues(); // what the restoring VM does once
                assertEquals(5, after.usedIdx(0), "the request left available is served");
                assertEquals(12, after.usedId(0, 4));
                assertEquals(0, copy.bytes(STATUS + 4, 1)[0]);
                byte[] disk = Files.readAllBytes(image);
                assertArrayEquals(sector(0x77), Arrays.copyOfRange(disk, 4 * VirtioBlock.SECTOR, 5 * VirtioBlock.SECTOR));
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(sector(0xee), Arrays.copyOfRange(disk, i * VirtioBlock.SECTOR, (i + 1) * VirtioBlock.SECTOR),
                            "request " + i + " was served before the snapshot and not again");
                }

                blockRequest(after, 5, VirtioBlock.T_IN, 4, Driver.DATA + 0xa00, true);
                assertEquals(6, after.usedIdx(0), "the used index continues");
                assertEquals(15, after.usedId(0, 5));
                assertArrayEquals(sector(0x77), copy.bytes(Driver.DATA + 0xa00, VirtioBlock.SECTOR));
                assertEquals(0, restored.status() & VirtioMmioDevice.STATUS_NEEDS_RESET, () -> restored.brokenBecause());
            }
        }
    }

    @Test
    void aRestoredConsoleDeliversTheHostInputItHeld() {
        try (GuestRam ram = new GuestRam(); GuestRam copy = new GuestRam()) {
            SerialInputQueue typed = new SerialInputQueue();
            VirtioMmioDevice original = new VirtioMmioDevice("hvc0", 0x1000_0000L, VirtioMmioDevice.WINDOW,
                    new VirtioConsole(new CapturingSerialSink(), typed), InterruptLine.disconnected(), EmulatedDeviceType.VIRTIO_CONSOLE);
            Driver before = new Driver(original, ram);
            before.start(0, 8, 2);
            typed.offer("x".getBytes(), 0, 1); // no receive buffer posted: the console takes it and holds it
            assertEquals(0, typed.available());
            byte[] state = original.saveState();
            copy.ram.copyFrom(ram.ram);

            SerialInputQueue typedLater = new SerialInputQueue();
            VirtioMmioDevice restored = new VirtioMmioDevice("hvc0", 0x1000_0000L, VirtioMmioDevice.WINDOW,
                    new VirtioConsole(new CapturingSerialSink(), typedLater), InterruptLine.disconnected(),
                    EmulatedDeviceType.VIRTIO_CONSOLE);
            restored.attachMemory(copy.memory);
            restored.restoreState(state);
            Driver after = new Driver(restored, copy);
            after.adopt(before);
            typedLater.offer("yz".getBytes(), 0, 2);
            after.descriptor(VirtioConsole.RECEIVE, 0, Driver.DATA, 16, VirtQueue.DESC_F_WRITE, 0);
            after.offer(VirtioConsole.RECEIVE, 0);
            assertEquals(3, after.usedLen(VirtioConsole.RECEIVE, 0));
            assertArrayEquals("xyz".getBytes(), copy.bytes(Driver.DATA, 3));
        }
    }

    // ---- holding, and refusals a random state rarely hits ---------------------------------------

    @Test
    void aHeldDeviceServesNothingUntilReleasedThenWhatWasNotified() {
        try (GuestRam ram = new GuestRam()) {
            Driver d = new Driver(new VirtioMmioDevice("rng", 0x1000_0000L, VirtioMmioDevice.WINDOW, new VirtioRng(),
                    InterruptLine.disconnected(), EmulatedDeviceType.VIRTIO_RNG), ram);
            d.start(0, 8, 1);
            d.dev.hold();
            d.descriptor(0, 0, Driver.DATA, 16, VirtQueue.DESC_F_WRITE, 0);
            d.offer(0, 0);
            d.dev.serveAllQueues();
            assertEquals(0, d.usedIdx(0), "held: the notification waits");
            byte[] state = d.dev.saveState();
            assertArrayEquals(state, d.dev.saveState(), "nothing moves while held");
            d.dev.release();
            assertEquals(1, d.usedIdx(0), "released: served");
            d.dev.release();
            assertEquals(1, d.usedIdx(0), "a second release serves nothing more");
        }
    }

    @Test
    void aReadyQueueWhoseRingsAreNotInGuestRamIsRefusedNamingTheOffset() {
        try (VirtioProbe a = new VirtioProbe(Kind.RNG, dir); VirtioProbe b = new VirtioProbe(Kind.RNG, dir); GuestRam ram = new GuestRam()) {
            Driver d = new Driver(a.dev, ram);
            d.start(0, 8, 1);
            byte[] state = a.dev.saveState();
            byte[] before = b.dev.saveState();
            int usedAddress = 36 + 4 + 8 + 8; // the fixed part, then the queue's size, descriptor and available ring addresses
            state[usedAddress + 7] = 0x7f;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.dev.restoreState(state));
            assertTrue(e.getMessage().startsWith("virtio-rng 'rng' state: queue 0: used ring"), e.getMessage());
            assertTrue(e.getMessage().contains("(offsets 40..63)"), e.getMessage());
            assertArrayEquals(before, b.dev.saveState(), "unchanged");
        }
    }

    @Test
    void aStateOfAnotherDeviceKindIsRefused() {
        try (VirtioProbe rng = new VirtioProbe(Kind.RNG, dir); VirtioProbe console = new VirtioProbe(Kind.CONSOLE, dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> console.dev.restoreState(rng.dev.saveState()));
            assertEquals("virtio-console 'hvc0' state: device id 4 (offset 1); this is virtio-console (3)", e.getMessage());
        }
    }

    @Test
    void aReadyQueueCannotBeRestoredWithoutGuestMemory() {
        try (VirtioProbe a = new VirtioProbe(Kind.RNG, dir); GuestRam ram = new GuestRam()) {
            Driver d = new Driver(a.dev, ram);
            d.start(0, 8, 1);
            VirtioMmioDevice bare = new VirtioMmioDevice("rng", 0x1000_0000L, VirtioMmioDevice.WINDOW, new VirtioRng(),
                    InterruptLine.disconnected(), EmulatedDeviceType.VIRTIO_RNG);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> bare.restoreState(a.dev.saveState()));
            assertTrue(e.getMessage().contains("attach it before the restore"), e.getMessage());
            assertEquals(0, bare.status(), "unchanged");
        }
    }
}
