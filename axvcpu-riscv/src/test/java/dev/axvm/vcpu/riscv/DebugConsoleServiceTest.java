package dev.axvm.vcpu.riscv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.SegmentGuestMemory;
import dev.axvm.vcpu.riscv.internal.DebugConsoleService;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DBCN calls with guest-chosen addresses and lengths, served against 64 KiB of test RAM (no KVM). */
class DebugConsoleServiceTest {
    private static final long BASE = RiscvPlatform.RAM_BASE;
    private static final int SIZE = 64 << 10;

    private Arena arena;
    private SegmentGuestMemory ram;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final DebugConsoleService service = new DebugConsoleService(RiscvPlatform.UART_BASE);
    private byte[] input = new byte[0];

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        ram = new SegmentGuestMemory(BASE, arena.allocate(SIZE, 4096));
        service.setConsole(new SbiDebugConsole() {
            @Override
            public int write(byte[] bytes, int offset, int length) {
                written.write(bytes, offset, length);
                return length;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                int n = Math.min(length, input.length);
                System.arraycopy(input, 0, into, offset, n);
                return n;
            }
        });
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    private void put(long gpa, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        ram.write(gpa, b, 0, b.length);
    }

    private void assertResult(long error, long value) {
        assertEquals(error, service.error(), "a0");
        assertEquals(value, service.value(), "a1");
    }

    @Test
    void aWriteFromRamReachesTheConsoleAndReportsTheCount() {
        put(BASE + 0x100, "hello");
        service.serve(RiscvPlatform.DBCN_WRITE, 5, BASE + 0x100, 0, ram, null);
        assertResult(0, 5);
        assertEquals("hello", written.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void writeByteTakesTheLowByteOfA0() {
        service.serve(RiscvPlatform.DBCN_WRITE_BYTE, 0x1234_5641L, 0, 0, ram, null);
        assertResult(0, 0);
        assertEquals("A", written.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void aLongWriteMovesOneChunkAndTheGuestCallsAgainForTheRest() {
        service.serve(RiscvPlatform.DBCN_WRITE, 10_000, BASE, 0, ram, null);
        assertResult(0, SbiDebugConsole.MAX_CHUNK);
        assertEquals(SbiDebugConsole.MAX_CHUNK, written.size());
    }

    @Test
    void buffersOutsideRamOrWithHighAddressBitsAreInvalidAndMoveNothing() {
        long[][] hostile = {
            {16, 0xdead_0000L, 0}, // below RAM
            {16, BASE + SIZE - 8, 0}, // runs past the end
            {1, BASE + SIZE, 0}, // one past the end
            {16, BASE, 1}, // address bits above 64
            {-1, BASE, 0}, // 2^64 - 1 bytes
            {Long.MIN_VALUE, BASE, 0},
            {16, -16, 0}, // wraps past 2^64
            {0x7fff_ffff_ffff_ffffL, BASE, 0},
        };
        for (long[] h : hostile) {
            for (long fid : new long[] {RiscvPlatform.DBCN_WRITE, RiscvPlatform.DBCN_READ}) {
                service.serve(fid, h[0], h[1], h[2], ram, null);
                assertEquals(RiscvPlatform.SBI_ERR_INVALID_PARAM, service.error(),
                        String.format("fid %d, length 0x%x at 0x%x:%x", fid, h[0], h[2], h[1]));
            }
        }
        assertEquals(0, written.size());
    }

    @Test
    void aReadFillsGuestRamWithWhatTheConsoleHas() {
        input = "typed".getBytes(StandardCharsets.US_ASCII);
        service.serve(RiscvPlatform.DBCN_READ, 16, BASE + 0x200, 0, ram, null);
        assertResult(0, 5);
        byte[] back = new byte[5];
        ram.read(BASE + 0x200, back, 0, 5);
        assertArrayEquals(input, back);
        input = new byte[0];
        service.serve(RiscvPlatform.DBCN_READ, 16, BASE + 0x200, 0, ram, null);
        assertResult(0, 0);
    }

    @Test
    void zeroLengthsSucceedWithoutLookingAtTheAddressAndUnknownFunctionsAreNotSupported() {
        service.serve(RiscvPlatform.DBCN_WRITE, 0, 0xdead_0000L, 7, ram, null);
        assertResult(0, 0);
        service.serve(3, 1, BASE, 0, ram, null);
        assertResult(RiscvPlatform.SBI_ERR_NOT_SUPPORTED, 0);
    }

    @Test
    void withoutConsoleAndDeviceHandlerCallsFailAndBeforeSetupBuffersAreInvalid() {
        service.setConsole(null);
        service.serve(RiscvPlatform.DBCN_WRITE, 4, BASE, 0, ram, null);
        assertResult(RiscvPlatform.SBI_ERR_FAILED, 0);
        service.serve(RiscvPlatform.DBCN_WRITE_BYTE, 'x', 0, 0, ram, null);
        assertResult(RiscvPlatform.SBI_ERR_FAILED, 0);
        service.serve(RiscvPlatform.DBCN_WRITE, 4, BASE, 0, null, null);
        assertResult(RiscvPlatform.SBI_ERR_INVALID_PARAM, 0);
    }

    @Test
    void withoutAConsoleBytesGoThroughThe16550() {
        service.setConsole(null);
        RecordingDevices uart = new RecordingDevices();
        put(BASE, "abc");
        service.serve(RiscvPlatform.DBCN_WRITE, 3, BASE, 0, ram, uart);
        assertResult(0, 3);
        assertEquals("abc", uart.uart());
        uart.type("xy");
        service.serve(RiscvPlatform.DBCN_READ, 8, BASE + 0x10, 0, ram, uart);
        assertResult(0, 2);
        assertEquals('x', ram.readByte(BASE + 0x10));
        assertEquals('y', ram.readByte(BASE + 0x11));
    }

    @Test
    void aConsoleThatClaimsMoreThanItWasGivenIsAHostBug() {
        service.setConsole(new SbiDebugConsole() {
            @Override
            public int write(byte[] bytes, int offset, int length) {
                return length + 1;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                return -1;
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> service.serve(RiscvPlatform.DBCN_WRITE_BYTE, 'a', 0, 0, ram, null));
        assertTrue(e.getMessage().contains("returned 2 for 1 bytes"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> service.serve(RiscvPlatform.DBCN_READ, 4, BASE, 0, ram, null));
    }

    @Test
    void randomGuestBuffersAreServedExactlyWhenTheyLieInRam() {
        long seed = Long.getLong("axvm.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5_000; i++) {
            long address = switch (random.nextInt(4)) {
                case 0 -> random.nextLong();
                case 1 -> BASE + random.nextLong(-4096, SIZE + 4096);
                case 2 -> BASE + SIZE - random.nextLong(0, 64);
                default -> BASE + random.nextLong(0, SIZE);
            };
            long length = random.nextBoolean() ? random.nextLong(0, 8192) : random.nextLong();
            long high = random.nextInt(8) == 0 ? random.nextLong() : 0;
            boolean inRam = length == 0 || high == 0 && length > 0 && address - BASE >= 0 && address - BASE <= SIZE - length;
            written.reset();
            service.serve(RiscvPlatform.DBCN_WRITE, length, address, high, ram, null);
            String what = String.format("seed %d: write of 0x%x bytes at 0x%x:%x", seed, length, high, address);
            if (inRam) {
                assertResult(0, Math.min(length, SbiDebugConsole.MAX_CHUNK));
                assertEquals(Math.min(length, SbiDebugConsole.MAX_CHUNK), written.size(), what);
            } else {
                assertEquals(RiscvPlatform.SBI_ERR_INVALID_PARAM, service.error(), what);
                assertEquals(0, written.size(), what);
            }
        }
    }
}
