package dev.axvm.vcpu.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RegisterListState}: what it encodes it decodes; a hostile encoding is refused naming the field. */
class RegisterListStateTest {
    private static final long SEED = Long.getLong("axvm.seed", 0x5eed_0017L);
    private static final int CASES = 5_000;
    private static final int MAX = 64;

    /** An id's size in its top byte's low bits, as KVM's ids carry it: 1 << (0..4) bytes. */
    private static int sizeOf(long id) {
        return 1 << ((id >>> 52) & 0x7);
    }

    private static long[] knownIds(Random r) {
        long[] ids = new long[1 + r.nextInt(MAX)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ((long) r.nextInt(5) << 52) | (i + 1L) << 4;
        }
        return ids;
    }

    private static RegisterListState sample(Random r, long[] known) {
        int n = r.nextInt(known.length + 1);
        long[] ids = new long[n];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = known[r.nextInt(known.length)];
            values[i] = new byte[sizeOf(ids[i])];
            r.nextBytes(values[i]);
        }
        return new RegisterListState(r.nextInt(6), ids, values);
    }

    @Test
    void everyEncodedStateDecodesToTheSameRegistersInTheSameOrder() {
        Random r = new Random(SEED);
        for (int c = 0; c < CASES; c++) {
            long[] known = knownIds(r);
            RegisterListState s = sample(r, known);
            RegisterListState back = RegisterListState.decode("vCPU 0 state", s.encode(1), 1, known,
                    RegisterListStateTest::sizeOf, MAX);
            String where = "seed " + SEED + ", case " + c;
            assertEquals(s.runState(), back.runState(), where);
            assertArrayEquals(s.ids(), back.ids(), where);
            for (int i = 0; i < s.ids().length; i++) {
                assertArrayEquals(s.values()[i], back.values()[i], where);
            }
        }
    }

    @Test
    void aChangedOrCutEncodingIsRefusedNamingTheStateOrDecodesToRegistersTheVcpuHas() {
        Random r = new Random(SEED + 1);
        for (int c = 0; c < CASES; c++) {
            long[] known = knownIds(r);
            byte[] good = sample(r, known).encode(1);
            byte[] bad = r.nextBoolean() ? Arrays.copyOf(good, r.nextInt(good.length + 8)) : good.clone();
            if (bad.length > 0 && r.nextBoolean()) {
                bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                RegisterListState back = RegisterListState.decode("vCPU 0 state", bad, 1, known, RegisterListStateTest::sizeOf, MAX);
                for (int i = 0; i < back.ids().length; i++) {
                    long id = back.ids()[i];
                    assertTrue(Arrays.stream(known).anyMatch(k -> k == id), "seed " + SEED + ", case " + c);
                    assertEquals(sizeOf(id), back.values()[i].length, "seed " + SEED + ", case " + c);
                }
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("vCPU 0 state: "), "seed " + SEED + ", case " + c + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail("seed " + SEED + ", case " + c + ": " + e, e);
            }
        }
    }

    @Test
    void anUnknownRegisterIsRefusedWithItsIdAndOffset() {
        byte[] s = new RegisterListState(0, new long[] {0x10}, new byte[][] {{7}}).encode(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegisterListState.decode("aarch64 vCPU 1 state", s, 1, new long[] {0x20}, id -> 1, MAX));
        assertEquals("aarch64 vCPU 1 state: register 0x10 (offset 9) is not one this vCPU has", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RegisterListState(0, new long[2], new byte[1][]));
    }
}
