package dev.axvm.vm.internal.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.testing.Seeds;
import dev.axvm.vm.SnapshotException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot container: what is written comes back, and a damaged or foreign file is refused in one line. */
class SnapshotFileTest {
    private static final SnapshotIdentity X86 = new SnapshotIdentity("x86_64", "0.1.0-SNAPSHOT", "c0ffee");
    private static final int RAM = 64 << 10;

    @TempDir
    Path dir;

    /** RAM with every third page non-zero (random bytes), the rest zero. */
    private static MemorySegment ram(Arena a, long seed) {
        MemorySegment m = a.allocate(RAM, 4096);
        SplittableRandom r = new SplittableRandom(seed);
        for (long p = 0; p < RAM; p += 4096) {
            if (p / 4096 % 3 == 1) {
                for (long i = 0; i < 4096; i += 8) {
                    m.set(ValueLayout.JAVA_LONG_UNALIGNED, p + i, r.nextLong());
                }
            }
        }
        return m;
    }

    private Path write(Path file, MemorySegment ram, byte[] vcpu) {
        try (SnapshotWriter w = SnapshotWriter.create(file, X86)) {
            w.data("vcpu.0", vcpu);
            assertEquals(5, w.memory("ram.0", ram), "only the non-zero pages are written");
            w.data("device.uart0", new byte[0]);
            w.commit();
        }
        return file;
    }

    @Test
    void sectionsComeBackAndMemoryIsMappedCopyOnWriteWithItsZeroPagesAsHoles() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ram = ram(a, 7);
            byte[] vcpu = {1, 2, 3, 4, 5};
            Path file = write(dir.resolve("vm.snap"), ram, vcpu);
            assertFalse(Files.exists(dir.resolve("vm.snap.partial")));
            try (SnapshotReader r = SnapshotReader.open(file, X86)) {
                assertEquals(List.of("identity", "vcpu.0", "ram.0", "device.uart0"), r.sections());
                assertEquals(X86, r.identity());
                assertArrayEquals(vcpu, r.data("vcpu.0"));
                assertArrayEquals(new byte[0], r.data("device.uart0"));
                assertEquals(RAM, r.memoryLength("ram.0"));
                r.verifyMemory("ram.0");
                MemorySegment mapped = r.mapMemory("ram.0", a);
                assertEquals(-1, mapped.mismatch(ram));
                mapped.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x5a); // the guest writes: the file must not change
                assertEquals(-1, r.mapMemory("ram.0", a).mismatch(ram), "MAP_PRIVATE: the write stayed in memory");
                SnapshotException e = assertThrows(SnapshotException.class, () -> r.data("ram.0"));
                assertEquals(file + ": has no data section 'ram.0'", e.getMessage());
            }
        }
    }

    @Test
    void aSnapshotOfAnotherArchitectureLibraryOrConfigIsRefusedSayingWhy() {
        try (Arena a = Arena.ofConfined()) {
            Path file = write(dir.resolve("vm.snap"), ram(a, 1), new byte[8]);
            String[][] cases = {
                {"aarch64", "0.1.0-SNAPSHOT", "c0ffee", "it was taken of an x86_64 VM, this VM is aarch64"},
                {"x86_64", "0.2.0", "c0ffee", "it was written by AxVM 0.1.0-SNAPSHOT, this is 0.2.0"},
                {"x86_64", "0.1.0-SNAPSHOT", "beef", "it was taken of a VM with another config (digest c0ffee, this VM's is beef)"},
            };
            for (String[] c : cases) {
                SnapshotException e = assertThrows(SnapshotException.class,
                        () -> SnapshotReader.open(file, new SnapshotIdentity(c[0], c[1], c[2])));
                assertEquals(file + ": cannot be restored here: " + c[3], e.getMessage());
            }
        }
    }

    @Test
    void aSnapshotNeverCommittedLeavesNoFileBehind() {
        Path file = dir.resolve("half.snap");
        try (SnapshotWriter w = SnapshotWriter.create(file, X86)) {
            w.data("vcpu.0", new byte[100]);
            assertTrue(Files.exists(dir.resolve("half.snap.partial")));
        }
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("half.snap.partial")));
    }

    @Test
    void aCorruptedHeaderTableOrSectionAndEveryTruncationAreRefusedInOneLine() throws IOException {
        byte[] good;
        try (Arena a = Arena.ofConfined()) {
            good = Files.readAllBytes(write(dir.resolve("good.snap"), ram(a, 3), "vcpu state".getBytes()));
        }
        long tableAt = good.length - 4L * SnapshotLayout.ENTRY_BYTES;
        // Every section of the format: the header, the table, and the sections at their page-aligned
        // offsets: identity at 4096, vcpu.0 at 8192, ram.0 at 12288 (device.uart0 is empty).
        long[][] regions = {{0, SnapshotLayout.HEADER_BYTES}, {tableAt, good.length - tableAt},
            {4096, X86.encode().length}, {2 * 4096, 10}, {3 * 4096, RAM}};
        Path bad = dir.resolve("bad.snap");
        int cases = 0;
        for (long seed : Seeds.forCases("SnapshotFileTest.corruption", 3000)) {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] b = good.clone();
            long[] region = regions[r.nextInt(regions.length)];
            int at = (int) (region[0] + r.nextLong(region[1]));
            b[at] ^= (byte) (1 << r.nextInt(8));
            Files.write(bad, b);
            expectRefused(bad, Seeds.replay(seed) + ": bit flipped at offset " + at);
            cases++;
        }
        for (int length : new int[] {0, 7, 63, 64, 4095, 4096, good.length / 2, (int) tableAt, good.length - 1}) {
            Files.write(bad, java.util.Arrays.copyOf(good, length));
            expectRefused(bad, "truncated to " + length + " bytes");
        }
        Files.write(bad, java.util.Arrays.copyOf(good, good.length + 1));
        expectRefused(bad, "one byte appended");
        assertEquals(3000, cases);
    }

    private static void expectRefused(Path file, String what) {
        try (SnapshotReader r = SnapshotReader.open(file, X86)) {
            r.verifyMemory("ram.0");
            fail(what + ": accepted");
        } catch (SnapshotException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), what + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), what + ": one line: " + e.getMessage());
        }
    }
}
