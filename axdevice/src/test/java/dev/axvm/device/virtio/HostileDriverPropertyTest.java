package dev.axvm.device.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.TriggerMode;
import dev.axvm.device.uart.SerialInputQueue;
import dev.axvm.device.uart.SerialSink;
import dev.axvm.testing.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A seeded random driver against the three virtio devices: well-formed requests whose results a
 * model predicts, malformed queues of every kind the device must refuse, and plain garbage in the
 * rings. Invariants for every case: nothing escapes a register access; a well-formed request
 * completes as the model says; a malformed queue ends in DEVICE_NEEDS_RESET with nothing used;
 * garbage ends either way; and (checked every few thousand cases and at the end) not a byte of
 * host memory around guest RAM changed.
 *
 * <p>{@code -Daxvm.virtio.cases=N} sets the number of cases (default 1,000,000); each case has its
 * own seed, which a failure names ({@code -Daxvm.seed=S} replays that case).
 */
class HostileDriverPropertyTest {
    private static final int CASES = Integer.getInteger("axvm.virtio.cases", 1_000_000);
    private static final int SECTORS = 64;
    private static final int NEEDS_RESET = 64;

    @TempDir
    Path dir;

    private GuestRam ram;
    private Driver rng;
    private Driver console;
    private Driver blk;
    private VirtioBlock block;
    private byte[] image;
    private final ByteArrayOutputStream consoleOut = new ByteArrayOutputStream();
    private final SerialInputQueue consoleIn = new SerialInputQueue(1 << 16);
    private final RecordingInterruptSink irqs = new RecordingInterruptSink();

    @BeforeEach
    void setUp() throws IOException {
        ram = new GuestRam();
        Random init = new Random(1);
        image = new byte[SECTORS * VirtioBlock.SECTOR];
        init.nextBytes(image);
        Path file = dir.resolve("disk.img");
        Files.write(file, image);
        block = VirtioBlock.open(file, false, "hostile-disk");
        rng = driver(new VirtioRng(new Random(2)), 0x1000_0000L);
        console = driver(new VirtioConsole(new SerialSink() {
            @Override
            public void transmit(byte b) {
                consoleOut.write(b);
            }

            @Override
            public boolean mayBlock() {
                return false;
            }
        }, consoleIn), 0x1000_1000L);
        blk = driver(block, 0x1000_2000L);
    }

    private Driver driver(VirtioDevice device, long base) {
        return new Driver(new VirtioMmioDevice(device.kind(), base, 0x200, device,
                new InterruptLine(irqs, 40, TriggerMode.LEVEL), EmulatedDeviceType.DUMMY), ram);
    }

    @AfterEach
    void tearDown() throws IOException {
        block.close();
        ram.close();
    }

    @Test
    void noDriverCanBreakTheDevicesOrTouchMemoryOutsideGuestRam() throws IOException {
        long[] seeds = Seeds.forCases("virtio hostile driver", CASES);
        int[] outcomes = new int[3];
        Logger transportLog = (Logger) LoggerFactory.getLogger(VirtioMmioDevice.class);
        Level level = transportLog.getLevel();
        transportLog.setLevel(Level.ERROR); // each malformed case is one "needs a reset" warning: 400,000 lines
        try {
            for (int c = 0; c < seeds.length; c++) {
                try {
                    outcomes[oneCase(new Random(seeds[c]))]++;
                    if (c % 4096 == 0) {
                        assertTrue(ram.guardsIntact(), "host memory around guest RAM changed");
                    }
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("case " + c + ", " + Seeds.replay(seeds[c]) + ": " + e, e);
                }
            }
        } finally {
            transportLog.setLevel(level);
        }
        assertTrue(ram.guardsIntact(), "host memory around guest RAM changed");
        assertArrayEquals(image, Files.readAllBytes(block.path()), "the image matches the model");
        System.out.printf("virtio hostile driver: %d cases: %d well-formed, %d malformed, %d garbage%n",
                seeds.length, outcomes[0], outcomes[1], outcomes[2]);
    }

    /** One case; returns 0 well-formed, 1 malformed, 2 garbage. */
    private int oneCase(Random r) {
        int kind = r.nextInt(10);
        Driver d = switch (r.nextInt(3)) {
            case 0 -> rng;
            case 1 -> console;
            default -> blk;
        };
        boolean indirect = r.nextBoolean();
        boolean eventIdx = r.nextBoolean();
        // Sizes 2..64 (rng, console) and 4..256 (block: a request is at least 3 descriptors).
        int size = d == blk ? 1 << (2 + r.nextInt(7)) : 1 << (1 + r.nextInt(6));
        int queues = d.dev.device().queueCount();
        for (int q = 0; q < queues; q++) {
            clearRings(q, size);
        }
        d.start((indirect ? 1L << 28 : 0) | (eventIdx ? 1L << 29 : 0), size, queues);
        assertEquals(15, d.read(0x070), "handshake");
        if (kind < 3) {
            wellFormed(r, d, size, indirect);
            assertEquals(0, d.read(0x070) & NEEDS_RESET, () -> "needs reset: " + d.dev.brokenBecause());
            return 0;
        }
        if (kind < 7) {
            malformed(r, d, size, indirect);
            assertEquals(NEEDS_RESET, d.read(0x070) & NEEDS_RESET, "a malformed queue needs reset");
            assertEquals(0, d.usedIdx(queueOf(d)), "nothing of a malformed queue is used");
            return 1;
        }
        garbage(r, d, size);
        return 2;
    }

    private int queueOf(Driver d) {
        return d == console ? VirtioConsole.TRANSMIT : 0;
    }

    private void clearRings(int q, int size) {
        ram.ram.asSlice(Driver.desc(q) - GuestRam.BASE, 16L * size).fill((byte) 0);
        ram.ram.asSlice(Driver.avail(q) - GuestRam.BASE, 6 + 2L * size).fill((byte) 0);
        ram.ram.asSlice(Driver.used(q) - GuestRam.BASE, 6 + 8L * size).fill((byte) 0);
    }

    // ---- well-formed requests and the model ---------------------------------------------------

    private record Buf(long addr, int len, boolean writable) {}

    /** Writes {@code bufs} as a chain at random free indices (or in an indirect table) and offers it on {@code q}. */
    private int post(Random r, Driver d, int q, int size, List<Buf> bufs, boolean indirect) {
        if (indirect && r.nextBoolean()) {
            long table = Driver.DATA - 0x4000 + 16L * r.nextInt(64);
            for (int i = 0; i < bufs.size(); i++) {
                Buf b = bufs.get(i);
                boolean last = i == bufs.size() - 1;
                d.descriptorAt(table, i, b.addr, b.len, (b.writable ? 2 : 0) | (last ? 0 : 1), i + 1);
            }
            int head = r.nextInt(size);
            d.descriptor(q, head, table, 16 * bufs.size(), 4, 0);
            d.offer(q, head);
            return head;
        }
        int[] order = shuffled(r, size);
        for (int i = 0; i < bufs.size(); i++) {
            Buf b = bufs.get(i);
            boolean last = i == bufs.size() - 1;
            d.descriptor(q, order[i], b.addr, b.len, (b.writable ? 2 : 0) | (last ? 0 : 1), last ? r.nextInt(65536) : order[i + 1]);
        }
        d.offer(q, order[0]);
        return order[0];
    }

    private static int[] shuffled(Random r, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private void wellFormed(Random r, Driver d, int size, boolean indirect) {
        int maxBufs = Math.min(size, 4);
        if (d == rng) {
            List<Buf> bufs = new ArrayList<>();
            int total = 0;
            for (int i = 1 + r.nextInt(maxBufs); i > 0; i--) {
                int len = r.nextInt(3000);
                bufs.add(new Buf(Driver.DATA + 0x1000L * bufs.size(), len, true));
                total += len;
            }
            int head = post(r, d, 0, size, bufs, indirect);
            assertUsed(d, 0, head, Math.min(total, VirtioRng.MAX_PER_REQUEST));
        } else if (d == console) {
            consoleTransmit(r, d, size, indirect, maxBufs);
            consoleReceive(r, d, size, indirect);
        } else {
            blockRequest(r, d, size, indirect, maxBufs);
        }
    }

    private void consoleTransmit(Random r, Driver d, int size, boolean indirect, int maxBufs) {
        consoleOut.reset();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<Buf> bufs = new ArrayList<>();
        for (int i = 1 + r.nextInt(maxBufs); i > 0; i--) {
            byte[] data = new byte[r.nextInt(200)];
            r.nextBytes(data);
            long at = Driver.DATA + 0x1000L * bufs.size();
            ram.bytes(at, data);
            expected.writeBytes(data);
            bufs.add(new Buf(at, data.length, false));
        }
        int head = post(r, d, VirtioConsole.TRANSMIT, size, bufs, indirect);
        assertUsed(d, VirtioConsole.TRANSMIT, head, 0);
        assertArrayEquals(expected.toByteArray(), consoleOut.toByteArray());
    }

    private void consoleReceive(Random r, Driver d, int size, boolean indirect) {
        byte[] typed = new byte[1 + r.nextInt(100)];
        r.nextBytes(typed);
        int room = 1 + r.nextInt(150);
        int head = post(r, d, VirtioConsole.RECEIVE, size, List.of(new Buf(Driver.DATA + 0x8000, room, true)), indirect);
        assertEquals(0, d.usedIdx(VirtioConsole.RECEIVE), "no input yet: the buffer waits");
        consoleIn.offer(typed, 0, typed.length);
        int n = Math.min(room, typed.length);
        assertUsed(d, VirtioConsole.RECEIVE, head, n);
        assertArrayEquals(Arrays.copyOf(typed, n), ram.bytes(Driver.DATA + 0x8000, n));
        drainConsoleInput();
    }

    /**
     * Input left over (in the source, or the byte the device took while no buffer was posted)
     * would go to the next case's driver, as it should; the model starts each case empty, so a
     * driver takes it here.
     */
    private void drainConsoleInput() {
        while (consoleIn.poll() >= 0) {
            // dropped
        }
        clearRings(VirtioConsole.RECEIVE, 64);
        clearRings(VirtioConsole.TRANSMIT, 64);
        console.start(0, 64, 2);
        console.descriptor(VirtioConsole.RECEIVE, 0, Driver.DATA + 0x8000, 16, 2, 0);
        console.offer(VirtioConsole.RECEIVE, 0);
    }

    private void blockRequest(Random r, Driver d, int size, boolean indirect, int maxBufs) {
        int type = switch (r.nextInt(6)) {
            case 0, 1 -> VirtioBlock.T_IN;
            case 2, 3 -> VirtioBlock.T_OUT;
            case 4 -> VirtioBlock.T_FLUSH;
            default -> r.nextBoolean() ? VirtioBlock.T_GET_ID : 7 + r.nextInt(100);
        };
        long sector = r.nextInt(8) == 0 ? r.nextLong() : r.nextInt(SECTORS + 2);
        int dataBufs = type == VirtioBlock.T_IN || type == VirtioBlock.T_OUT ? Math.max(1, r.nextInt(Math.max(1, maxBufs - 1))) : 0;
        List<Buf> bufs = new ArrayList<>();
        long header = Driver.DATA + 0x7000;
        ram.u32(header, type);
        ram.u32(header + 4, 0);
        ram.u64(header + 8, sector);
        bufs.add(new Buf(header, 16, false));
        int dataLen = 0;
        byte[] out = new byte[0];
        for (int i = 0; i < dataBufs; i++) {
            int len = r.nextInt(10) == 0 ? 1 + r.nextInt(1000) : VirtioBlock.SECTOR * (1 + r.nextInt(4));
            long at = Driver.DATA + 0x1000L * i;
            if (type == VirtioBlock.T_OUT) {
                byte[] data = new byte[len];
                r.nextBytes(data);
                ram.bytes(at, data);
                out = concat(out, data);
            }
            bufs.add(new Buf(at, len, type == VirtioBlock.T_IN));
            dataLen += len;
        }
        if (type == VirtioBlock.T_GET_ID) {
            bufs.add(new Buf(Driver.DATA, VirtioBlock.ID_BYTES, true));
        }
        long status = Driver.DATA + 0x7800;
        ram.u32(status, 0xff);
        bufs.add(new Buf(status, 1, true));
        int head = post(r, d, 0, size, bufs, indirect);

        boolean inRange = dataLen % VirtioBlock.SECTOR == 0 && sector >= 0 && sector <= SECTORS
                && dataLen / VirtioBlock.SECTOR <= SECTORS - sector;
        int expectStatus;
        int expectLen;
        switch (type) {
            case VirtioBlock.T_IN -> {
                expectStatus = inRange ? VirtioBlock.S_OK : VirtioBlock.S_IOERR;
                expectLen = inRange ? dataLen + 1 : 1;
                if (inRange) {
                    int pos = (int) sector * VirtioBlock.SECTOR;
                    for (int i = 0; i < dataBufs; i++) {
                        Buf b = bufs.get(1 + i);
                        assertArrayEquals(Arrays.copyOfRange(image, pos, pos + b.len), ram.bytes(b.addr, b.len), "read data");
                        pos += b.len;
                    }
                }
            }
            case VirtioBlock.T_OUT -> {
                expectStatus = inRange ? VirtioBlock.S_OK : VirtioBlock.S_IOERR;
                expectLen = 1;
                if (inRange) {
                    System.arraycopy(out, 0, image, (int) sector * VirtioBlock.SECTOR, out.length);
                }
            }
            case VirtioBlock.T_FLUSH -> {
                expectStatus = VirtioBlock.S_OK;
                expectLen = 1;
            }
            case VirtioBlock.T_GET_ID -> {
                expectStatus = VirtioBlock.S_OK;
                expectLen = "hostile-disk".length() + 1;
                assertArrayEquals("hostile-disk".getBytes(), ram.bytes(Driver.DATA, "hostile-disk".length()));
            }
            default -> {
                expectStatus = VirtioBlock.S_UNSUPP;
                expectLen = 1;
            }
        }
        assertUsed(d, 0, head, expectLen);
        assertEquals(expectStatus, ram.bytes(status, 1)[0], "status of request type " + type + " sector " + sector + " length " + dataLen);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void assertUsed(Driver d, int q, int head, int len) {
        assertEquals(1, d.usedIdx(q), "one request used");
        assertEquals(head, d.usedId(q, 0), "used id");
        assertEquals(len, d.usedLen(q, 0), "used length");
    }

    // ---- malformed queues ---------------------------------------------------------------------

    private void malformed(Random r, Driver d, int size, boolean indirect) {
        int q = queueOf(d);
        boolean writable = d != console; // the transmit queue reads; the others write
        int flag = writable ? 2 : 0;
        long data = Driver.DATA;
        long end = GuestRam.BASE + GuestRam.SIZE;
        switch (r.nextInt(11)) {
            case 0 -> d.offer(q, size + r.nextInt(65536 - size)); // head out of range
            case 1 -> { // next out of range
                d.descriptor(q, 0, data, 16, flag | 1, size + r.nextInt(65536 - size));
                d.offer(q, 0);
            }
            case 2 -> { // a loop of 1..size descriptors
                int n = 1 + r.nextInt(size);
                for (int i = 0; i < n; i++) {
                    d.descriptor(q, i, data, 16, flag | 1, (i + 1) % n);
                }
                d.offer(q, 0);
            }
            case 3 -> { // the available index runs further ahead than the queue size
                d.descriptor(q, 0, data, 16, flag, 0);
                ram.u16(Driver.avail(q) + 2, size + 1 + r.nextInt(65536 - size - 1));
                d.write(0x050, q);
            }
            case 4 -> { // a buffer past the end of RAM, spanning it, or wrapping past 2^64
                long addr = switch (r.nextInt(3)) {
                    case 0 -> end + r.nextInt(1 << 20);
                    case 1 -> end - 1 - r.nextInt(16);
                    default -> -1L - r.nextInt(16);
                };
                d.descriptor(q, 0, addr, 17 + r.nextInt(4096), flag, 0);
                d.offer(q, 0);
            }
            case 5 -> { // a buffer below RAM
                d.descriptor(q, 0, GuestRam.BASE - 1 - r.nextInt(1 << 20), 2, flag, 0);
                d.offer(q, 0);
            }
            case 6 -> { // indirect where it was not negotiated, or nested, or with NEXT
                long table = data + 0x4000;
                if (!indirect) {
                    d.descriptorAt(table, 0, data, 16, flag, 0);
                    d.descriptor(q, 0, table, 16, 4, 0);
                } else if (r.nextBoolean()) {
                    d.descriptorAt(table, 0, table + 0x100, 16, 4, 0);
                    d.descriptor(q, 0, table, 16, 4, 0);
                } else {
                    d.descriptorAt(table, 0, data, 16, flag, 0);
                    d.descriptor(q, 0, table, 16, 4 | 1, 1);
                }
                d.offer(q, 0);
            }
            case 7 -> { // an indirect table of a length that is no whole number of descriptors, or empty, or too long
                int len = switch (r.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> 16 * (1 + r.nextInt(4)) + 1 + r.nextInt(15);
                    default -> 16 * (size + 1 + r.nextInt(100));
                };
                d.descriptor(q, 0, data + 0x4000, len, 4, 0);
                if (!indirect) {
                    d.descriptor(q, 0, data + 0x4000, 16, 4, 0);
                }
                d.offer(q, 0);
            }
            case 8 -> { // an indirect table outside RAM
                d.descriptor(q, 0, indirect ? end - 16 : data + 0x4000, 32, 4, 0);
                d.offer(q, 0);
            }
            case 9 -> { // device-readable after device-writable
                d.descriptor(q, 0, data, 16, 2 | 1, 1);
                d.descriptor(q, 1, data + 16, 16, 0, 0);
                if (size < 2) {
                    d.descriptor(q, 0, data, 16, flag | 1, 0); // a one-entry queue: a self loop instead
                }
                d.offer(q, 0);
            }
            default -> { // an indirect chain that loops inside its table
                long table = data + 0x4000;
                if (!indirect) {
                    d.offer(q, size); // nothing to test without the feature: head out of range
                    return;
                }
                int n = 1 + r.nextInt(Math.min(size, 8));
                for (int i = 0; i < n; i++) {
                    d.descriptorAt(table, i, data, 16, flag | 1, (i + 1) % n);
                }
                d.descriptor(q, 0, table, 16 * n, 4, 0);
                d.offer(q, 0);
            }
        }
    }

    // ---- garbage ------------------------------------------------------------------------------

    private void garbage(Random r, Driver d, int size) {
        int queues = d.dev.device().queueCount();
        for (int q = 0; q < queues; q++) {
            for (int i = 0; i < size; i++) {
                long addr = r.nextInt(4) == 0 ? r.nextLong() : Driver.DATA + r.nextInt(0x7000);
                int len = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(0x1000);
                d.descriptor(q, i, addr, len, r.nextInt(8), r.nextInt(4) == 0 ? r.nextInt(65536) : r.nextInt(size));
                ram.u16(Driver.avail(q) + 4 + 2L * i, r.nextInt(4) == 0 ? r.nextInt(65536) : r.nextInt(size));
            }
            ram.u16(Driver.avail(q), r.nextInt(4));
            ram.u16(Driver.avail(q) + 2, r.nextInt(4) == 0 ? r.nextInt(65536) : r.nextInt(size + 1));
            ram.u16(Driver.avail(q) + 4 + 2L * size, r.nextInt(65536));
        }
        consoleIn.offer(new byte[] {1, 2, 3}, 0, r.nextInt(4));
        for (int n = r.nextInt(4); n >= 0; n--) {
            d.write(0x050, r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(queues));
            if (r.nextInt(4) == 0) {
                d.write(0x000 + 4 * r.nextInt(64), r.nextInt());
            }
        }
        for (int q = 0; q < queues; q++) {
            int used = d.usedIdx(q);
            // At most one queue's worth per serve: DRIVER_OK, up to four notifications, an input kick.
            assertTrue(used <= 6 * size, "used index " + used + " on queue " + q + " of size " + size);
        }
        drainConsoleInput();
    }
}
