package dev.axvm.addrspace;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * Bounds-checked access to a guest's RAM by guest-physical address, as devices and vCPU
 * backends need it (loading images, building boot structures, DMA-style device reads). Accesses
 * may cross page and region boundaries; any byte outside mapped RAM makes the whole access fail
 * with a {@link GuestMemoryException} naming the address, and nothing is read or written.
 * Multi-byte values are little-endian.
 */
public interface GuestMemory {
    /** Copies {@code length} bytes at {@code gpa} into {@code dst[offset..]}. */
    void read(long gpa, byte[] dst, int offset, int length);

    /** Copies {@code src[offset..offset+length)} to {@code gpa}. */
    void write(long gpa, byte[] src, int offset, int length);

    /**
     * Fills {@code dst}'s remaining bytes from {@code gpa} and advances its position. The default
     * goes through {@link #read(long, byte[], int, int)}; implementations copy directly.
     */
    default void read(long gpa, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int n = dst.remaining();
        if (dst.hasArray()) {
            read(gpa, dst.array(), dst.arrayOffset() + dst.position(), n);
        } else {
            byte[] tmp = new byte[n];
            read(gpa, tmp, 0, n);
            dst.put(dst.position(), tmp);
        }
        dst.position(dst.position() + n);
    }

    /**
     * Writes {@code src}'s remaining bytes to {@code gpa} and advances its position. The default
     * goes through {@link #write(long, byte[], int, int)}; implementations copy directly.
     */
    default void write(long gpa, ByteBuffer src) {
        int n = src.remaining();
        if (src.hasArray()) {
            write(gpa, src.array(), src.arrayOffset() + src.position(), n);
        } else {
            byte[] tmp = new byte[n];
            src.get(src.position(), tmp);
            write(gpa, tmp, 0, n);
        }
        src.position(src.position() + n);
    }

    /** One byte. */
    byte readByte(long gpa);

    /** A little-endian 16-bit value. */
    short readShort(long gpa);

    /** A little-endian 32-bit value. */
    int readInt(long gpa);

    /** A little-endian 64-bit value. */
    long readLong(long gpa);

    /** Writes one byte. */
    void writeByte(long gpa, byte value);

    /** Writes a little-endian 16-bit value. */
    void writeShort(long gpa, short value);

    /** Writes a little-endian 32-bit value. */
    void writeInt(long gpa, int value);

    /** Writes a little-endian 64-bit value. */
    void writeLong(long gpa, long value);

    /** Whether every byte of {@code [gpa, gpa + length)} is guest RAM that can be read and written here. */
    boolean isRam(long gpa, long length);

    /**
     * The largest stretch of guest RAM around {@code gpa} that is contiguous in host memory, or
     * null when {@code gpa} is not RAM. For devices that reach guest RAM often (see
     * {@link RamWindow} for how long a window stays valid).
     *
     * @throws UnsupportedOperationException when this memory does not expose host memory (the
     *     default); {@link AddrSpace} and {@link SegmentGuestMemory} do
     */
    default RamWindow ramWindow(long gpa) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not expose host memory; a device that needs RAM windows runs on an AddrSpace");
    }

    /**
     * Tells this memory that the host wrote {@code length} bytes at {@code gpa} behind its back,
     * through a {@link RamWindow}: device emulation calls it so that a diff snapshot holds the
     * pages it wrote (the hypervisor logs only the guest's own writes). Does nothing by default;
     * {@link AddrSpace} notes it while its VM tracks writes, and notes its own writes itself.
     */
    default void noteWritten(long gpa, long length) {}
}
