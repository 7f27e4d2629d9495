package dev.axvm.device.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.InterruptLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtioBlockTest {
    private static final long HEADER = Driver.DATA + 0x7000;
    private static final long STATUS = Driver.DATA + 0x7800;

    @TempDir
    Path dir;

    private final GuestRam ram = new GuestRam();
    private VirtioBlock block;
    private Driver driver;

    @AfterEach
    void close() throws IOException {
        if (block != null) {
            block.close();
        }
        ram.close();
    }

    private Path image(int sectors) throws IOException {
        byte[] b = new byte[sectors * 512];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i / 512 + i);
        }
        Path p = dir.resolve("disk.img");
        Files.write(p, b);
        return p;
    }

    private void open(Path image, boolean readOnly) throws IOException {
        block = VirtioBlock.open(image, readOnly, "serial-0123456789-abcdef");
        driver = new Driver(new VirtioMmioDevice("vda", 0x1000_0000L, 0x200, block, InterruptLine.disconnected(),
                EmulatedDeviceType.VIRTIO_BLK), ram);
        driver.start(0, 8, 1);
    }

    /** Header, one data buffer of {@code len} (device-writable for reads), status. */
    private int request(int type, long sector, long data, int len, boolean dataWritable) {
        ram.u32(HEADER, type);
        ram.u64(HEADER + 8, sector);
        ram.bytes(STATUS, new byte[] {(byte) 0xff});
        driver.descriptor(0, 0, HEADER, 16, VirtQueue.DESC_F_NEXT, 1);
        if (len > 0) {
            driver.descriptor(0, 1, data, len, VirtQueue.DESC_F_NEXT | (dataWritable ? VirtQueue.DESC_F_WRITE : 0), 2);
            driver.descriptor(0, 2, STATUS, 1, VirtQueue.DESC_F_WRITE, 0);
        } else {
            driver.descriptor(0, 1, STATUS, 1, VirtQueue.DESC_F_WRITE, 0);
        }
        int before = driver.usedIdx(0);
        driver.offer(0, 0);
        assertEquals(before + 1, driver.usedIdx(0));
        return ram.bytes(STATUS, 1)[0];
    }

    @Test
    void offersCapacityFlushAndSegmentsAndReadsSectorsIntoGuestMemory() throws IOException {
        Path p = image(16);
        open(p, false);
        assertEquals(16, Integer.toUnsignedLong(driver.read(0x100)) | (long) driver.read(0x104) << 32);
        long features = driver.deviceFeatures();
        assertTrue((features & (1L << VirtioBlock.F_FLUSH)) != 0 && (features & (1L << VirtioBlock.F_RO)) == 0);
        assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_IN, 3, Driver.DATA, 1024, true));
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(p), 3 * 512, 5 * 512), ram.bytes(Driver.DATA, 1024));
        assertEquals(1025, driver.usedLen(0, 0));
    }

    @Test
    void writesReachTheFileAndFlushCompletes() throws IOException {
        Path p = image(16);
        open(p, false);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x5a);
        ram.bytes(Driver.DATA, data);
        assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_OUT, 15, Driver.DATA, 512, false));
        assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_FLUSH, 0, 0, 0, false));
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(p), 15 * 512, 16 * 512));
    }

    @Test
    void sectorRangesPastTheEndAndPartialSectorsFailWithoutTouchingTheFile() throws IOException {
        Path p = image(16);
        byte[] before = Files.readAllBytes(p);
        open(p, false);
        assertEquals(VirtioBlock.S_IOERR, request(VirtioBlock.T_OUT, 16, Driver.DATA, 512, false));
        assertEquals(VirtioBlock.S_IOERR, request(VirtioBlock.T_OUT, 15, Driver.DATA, 1024, false));
        assertEquals(VirtioBlock.S_IOERR, request(VirtioBlock.T_OUT, -1L, Driver.DATA, 512, false));
        assertEquals(VirtioBlock.S_IOERR, request(VirtioBlock.T_IN, 0, Driver.DATA, 100, true));
        assertEquals(VirtioBlock.S_UNSUPP, request(99, 0, 0, 0, false));
        assertArrayEquals(before, Files.readAllBytes(p));
    }

    @Test
    void aReadOnlyImageRefusesWritesAndSaysSo() throws IOException {
        Path p = image(4);
        byte[] before = Files.readAllBytes(p);
        open(p, true);
        assertTrue((driver.deviceFeatures() & (1L << VirtioBlock.F_RO)) != 0);
        assertEquals(VirtioBlock.S_IOERR, request(VirtioBlock.T_OUT, 0, Driver.DATA, 512, false));
        assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_IN, 0, Driver.DATA, 512, true));
        assertArrayEquals(before, Files.readAllBytes(p));
    }

    @Test
    void getIdReturnsAtMostTwentyBytesOfTheSerial() throws IOException {
        open(image(1), false);
        assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_GET_ID, 0, Driver.DATA, 64, true));
        assertArrayEquals("serial-0123456789-ab".getBytes(), ram.bytes(Driver.DATA, 20));
        assertEquals(21, driver.usedLen(0, 0));
    }

    @Test
    void anInterruptedVcpuThreadDoesNotCloseTheImageForGood() throws IOException {
        Path p = image(4);
        open(p, false);
        Thread.currentThread().interrupt();
        try {
            assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_IN, 1, Driver.DATA, 512, true));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the thread's owner");
        } finally {
            Thread.interrupted();
        }
        assertEquals(VirtioBlock.S_OK, request(VirtioBlock.T_IN, 2, Driver.DATA, 512, true));
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(p), 1024, 1536), ram.bytes(Driver.DATA, 512));
    }

    @Test
    void imagesThatAreNotWholeSectorsOrNotFilesAreRefusedNamingTheFile() throws IOException {
        Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[1000]);
        IOException e = assertThrows(IOException.class, () -> VirtioBlock.open(odd, false, "x"));
        assertTrue(e.getMessage().startsWith(odd + ": size 1000"), e.getMessage());
        e = assertThrows(IOException.class, () -> VirtioBlock.open(dir, false, "x"));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
