package dev.axvm.vcpu.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StateWriter} and {@link StateReader}: what one writes the other reads; the reader refuses the rest. */
class StateEncodingTest {

    private static byte[] sample(Random r, int blockLength) {
        byte[] block = new byte[blockLength];
        r.nextBytes(block);
        return new StateWriter(3).putByte(0xfe).putInt(-7).putLong(Long.MIN_VALUE + 5).putBlock(block).putInt(2)
                .toByteArray();
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBackFieldByField() {
        byte[] block = {1, 2, 3, 4, 5};
        byte[] s = new StateWriter(3).putByte(0xfe).putInt(-7).putLong(Long.MIN_VALUE + 5).putBlock(block).toByteArray();
        StateReader r = new StateReader("test state", s, 3);
        assertEquals(0xfe, r.getByte("b"));
        assertEquals(-7, r.getInt("i"));
        assertEquals(Long.MIN_VALUE + 5, r.getLong("l"));
        assertArrayEquals(block, r.getBlock("block", 5));
        r.end();
        assertEquals(s.length, r.offset());
    }

    @Test
    void refusalsNameTheStateTheFieldAndTheOffset() {
        byte[] s = new StateWriter(1).putInt(9).putBlock(new byte[4]).toByteArray();
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class, () -> new StateReader("vCPU 2 state", s, 2));
        assertEquals("vCPU 2 state: encoding version 1 at offset 0; this library reads version 2", version.getMessage());
        StateReader count = new StateReader("vCPU 2 state", s, 1);
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> count.getCount("MSR count", 8));
        assertEquals("vCPU 2 state: MSR count 9 at offset 1 is more than 8", tooMany.getMessage());
        StateReader block = new StateReader("vCPU 2 state", s, 1);
        block.getInt("skip");
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> block.getBlock("LAPIC", 1024));
        assertEquals("vCPU 2 state: LAPIC of 4 bytes at offset 5; it has 1024 on this host", size.getMessage());
        StateReader trailing = new StateReader("vCPU 2 state", s, 1);
        trailing.getInt("skip");
        IllegalArgumentException end = assertThrows(IllegalArgumentException.class, trailing::end);
        assertEquals("vCPU 2 state: 8 bytes after the last field (offset 5)", end.getMessage());
    }

    @Test
    void theReaderKeepsItsOwnCopyOfTheState() {
        byte[] s = new StateWriter(1).putInt(42).toByteArray();
        StateReader r = new StateReader("s", s, 1);
        Arrays.fill(s, (byte) 0);
        assertEquals(42, r.getInt("i"));
    }

    /** Every truncation and every single-byte change of a valid state reads back or is refused; nothing else. */
    @Test
    void seededTruncationsAndChangesAreReadOrRefusedNeverAnythingElse() {
        long seed = Long.getLong("axvm.seed", System.nanoTime());
        Random random = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] s = sample(random, random.nextInt(64));
            int blockLength = s.length - 22;
            byte[] b = random.nextBoolean() ? Arrays.copyOf(s, random.nextInt(s.length + 4))
                    : changed(s, random.nextInt(s.length), random.nextInt(256));
            try {
                StateReader r = new StateReader("s", b, 3);
                r.getByte("b");
                r.getInt("i");
                r.getLong("l");
                r.getBlock("block", blockLength);
                r.getCount("n", 2);
                r.end();
            } catch (IllegalArgumentException e) {
                refused++;
                assertTrue(e.getMessage().startsWith("s: "), "seed " + seed + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError("case " + i + " (replay with -Daxvm.seed=" + seed + "): " + e, e);
            }
        }
        assertTrue(refused > 5_000, "seed " + seed + ": only " + refused + " refused");
    }

    private static byte[] changed(byte[] s, int at, int value) {
        byte[] b = s.clone();
        b[at] = (byte) value;
        return b;
    }
}
