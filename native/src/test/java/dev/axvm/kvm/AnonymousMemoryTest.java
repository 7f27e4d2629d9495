package dev.axvm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

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
    void sizesThatAreNotWholePagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AnonymousMemory.map(0));
        assertThrows(IllegalArgumentException.class, () -> AnonymousMemory.map(4097));
    }
}
