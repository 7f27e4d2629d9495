package dev.axvm.device.virtio;

import dev.axvm.addrspace.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest RAM for virtio tests: {@link #SIZE} bytes at {@link #BASE}, with guard bands of host
 * memory on both sides filled with a pattern, so a test can prove the device never wrote outside
 * guest RAM ({@link #guardsIntact()}).
 */
final class GuestRam implements AutoCloseable {
    static final long BASE = 0x4000_0000L;
    static final long SIZE = 1 << 20;
    private static final long GUARD = 64 << 10;
    private static final byte PATTERN = (byte) 0xa5;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment all = arena.allocate(SIZE + 2 * GUARD, 4096);
    final MemorySegment ram = all.asSlice(GUARD, SIZE);
    final SegmentGuestMemory memory = new SegmentGuestMemory(BASE, ram);

    GuestRam() {
        all.fill(PATTERN);
        ram.fill((byte) 0);
    }

    boolean guardsIntact() {
        for (long i = 0; i < GUARD; i++) {
            if (all.get(ValueLayout.JAVA_BYTE, i) != PATTERN || all.get(ValueLayout.JAVA_BYTE, GUARD + SIZE + i) != PATTERN) {
                return false;
            }
        }
        return true;
    }

    void clear() {
        ram.fill((byte) 0);
    }

    private long off(long gpa) {
        return gpa - BASE;
    }

    short u16(long gpa) {
        return ram.get(LE_SHORT, off(gpa));
    }

    int u32(long gpa) {
        return ram.get(LE_INT, off(gpa));
    }

    long u64(long gpa) {
        return ram.get(LE_LONG, off(gpa));
    }

    void u16(long gpa, int v) {
        ram.set(LE_SHORT, off(gpa), (short) v);
    }

    void u32(long gpa, int v) {
        ram.set(LE_INT, off(gpa), v);
    }

    void u64(long gpa, long v) {
        ram.set(LE_LONG, off(gpa), v);
    }

    byte[] bytes(long gpa, int n) {
        byte[] b = new byte[n];
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, off(gpa), b, 0, n);
        return b;
    }

    void bytes(long gpa, byte[] b) {
        MemorySegment.copy(b, 0, ram, ValueLayout.JAVA_BYTE, off(gpa), b.length);
    }

    @Override
    public void close() {
        arena.close();
    }
}
