package dev.axvm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnonymousMemoryTest {

    @Test
    void aLargeBlockReadsZeroWritesBackAndIsUnusableAfterClose() {
        AnonymousMemory m = AnonymousMemory.map(1L << 30);
        MemorySegment s = m.segment();
        assertEquals(1L << 30, s.byteSize());
        assertEquals(0, s.address() % 4096);
        assertEquals(0, s.get(JAVA_LONG, (1L << 30) - 8));
        s.set(JAVA_LONG, 4096, 0x1234);
        assertEquals(0x1234, s.get(JAVA_LONG, 4096));
        m.close();
        m.close();
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
    }

    @Test
    void discardedPagesReadAsZeroAgain() {
        try (AnonymousMemory m = AnonymousMemory.map(1 << 20)) {
            m.segment().set(JAVA_LONG, 8192, 42);
            m.discard(m.segment().asSlice(8192, 4096));
            assertEquals(0, m.segment().get(JAVA_LONG, 8192));
            assertThrows(IllegalArgumentException.class, () -> m.discard(m.segment().asSlice(100, 4096)));
        }
    }

    @Test
    void aFileMappedOverPagesReadsItsBytesKeepsWritesToItselfAndRemapsToZero(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pages");
        byte[] bytes = new byte[3 * 4096];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i / 4096 + 1);
        }
        Files.write(file, bytes);
        try (AnonymousMemory m = AnonymousMemory.map(1 << 20)) {
            MemorySegment range = m.segment().asSlice(8192, 8192);
            m.mapFile(range, file, 4096); // the file's second and third pages
            assertEquals(2, range.get(JAVA_BYTE, 0));
            assertEquals(3, range.get(JAVA_BYTE, 4096));
            range.set(JAVA_BYTE, 0, (byte) 99);
            assertEquals(99, range.get(JAVA_BYTE, 0));
            assertArrayEquals(bytes, Files.readAllBytes(file), "copy-on-write: the file never changes");
            m.remapAnonymous(range);
            assertEquals(0, range.get(JAVA_BYTE, 0));
            assertEquals(0, range.get(JAVA_BYTE, 4096));
            assertThrows(IllegalArgumentException.class, () -> m.mapFile(range, file, 100));
            assertThrows(KvmException.class, () -> m.mapFile(range, dir.resolve("missing"), 0));
        }
    }

    @Test
    void sizesThatAreNotWholePagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AnonymousMemory.map(0));
        assertThrows(IllegalArgumentException.class, () -> AnonymousMemory.map(4097));
    }
}
