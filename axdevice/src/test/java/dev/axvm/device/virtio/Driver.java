package dev.axvm.device.virtio;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.DeviceContext;

/**
 * A virtio-mmio driver for tests, doing what Linux's virtio_mmio does through the register
 * window and the rings in {@link GuestRam} — and, where a test wants it, what no driver should.
 * Queue {@code q}'s rings sit at fixed places: descriptors at {@code DESC + q * 0x10000}, the
 * available ring at {@code +0x4000}, the used ring at {@code +0x8000}.
 */
final class Driver {
    static final long DESC = GuestRam.BASE + 0x1_0000;
    static final long DATA = GuestRam.BASE + 0x8_0000;
    static final long VERSION_1 = 1L << 32;

    final VirtioMmioDevice dev;
    final GuestRam ram;
    final DeviceContext context;
    private final int[] availIdx = new int[4];
    private final int[] sizes = new int[4];

    Driver(VirtioMmioDevice dev, GuestRam ram) {
        this.dev = dev;
        this.ram = ram;
        this.context = new DeviceContext(1, 0, ram.memory);
    }

    int read(int offset) {
        return (int) dev.handleRead(dev.addressRange().start() + offset, AccessWidth.DWORD, context);
    }

    void write(int offset, int value) {
        dev.handleWrite(dev.addressRange().start() + offset, AccessWidth.DWORD, Integer.toUnsignedLong(value), context);
    }

    long deviceFeatures() {
        write(0x014, 0);
        long lo = Integer.toUnsignedLong(read(0x010));
        write(0x014, 1);
        return lo | (long) read(0x010) << 32;
    }

    /** Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns the status read back. */
    int negotiate(long features) {
        write(0x070, 0);
        write(0x070, 1);
        write(0x070, 3);
        write(0x024, 1);
        write(0x020, (int) (features >>> 32));
        write(0x024, 0);
        write(0x020, (int) features);
        write(0x070, 11);
        java.util.Arrays.fill(availIdx, 0);
        return read(0x070);
    }

    static long desc(int q) {
        return DESC + q * 0x1_0000L;
    }

    static long avail(int q) {
        return desc(q) + 0x4000;
    }

    static long used(int q) {
        return desc(q) + 0x8000;
    }

    void setUpQueue(int q, int size) {
        setUpQueue(q, size, desc(q), avail(q), used(q));
    }

    void setUpQueue(int q, int size, long desc, long avail, long used) {
        write(0x030, q);
        write(0x038, size);
        write(0x080, (int) desc);
        write(0x084, (int) (desc >>> 32));
        write(0x090, (int) avail);
        write(0x094, (int) (avail >>> 32));
        write(0x0a0, (int) used);
        write(0x0a4, (int) (used >>> 32));
        write(0x044, 1);
        sizes[q] = size;
    }

    void driverOk() {
        write(0x070, read(0x070) | 4);
    }

    /** The whole handshake with VERSION_1 (plus {@code extra}) and every queue at {@code size}. */
    void start(long extra, int size, int queues) {
        negotiate(VERSION_1 | extra);
        for (int q = 0; q < queues; q++) {
            setUpQueue(q, size);
        }
        driverOk();
    }

    void descriptor(int q, int i, long addr, int len, int flags, int next) {
        descriptorAt(desc(q), i, addr, len, flags, next);
    }

    void descriptorAt(long table, int i, long addr, int len, int flags, int next) {
        long d = table + 16L * i;
        ram.u64(d, addr);
        ram.u32(d + 8, len);
        ram.u16(d + 12, flags);
        ram.u16(d + 14, next);
    }

    /** Makes head {@code head} available on queue {@code q} and notifies. */
    void offer(int q, int head) {
        makeAvailable(q, head);
        write(0x050, q);
    }

    /** Makes head {@code head} available on queue {@code q} without notifying (a doorbell not served yet). */
    void makeAvailable(int q, int head) {
        ram.u16(avail(q) + 4 + 2L * (availIdx[q] % sizes[q]), head);
        availIdx[q] = (availIdx[q] + 1) & 0xffff;
        ram.u16(avail(q) + 2, availIdx[q]);
    }

    /** Continues {@code other}'s session: its available indices and queue sizes (the guest's memory, restored). */
    void adopt(Driver other) {
        System.arraycopy(other.availIdx, 0, availIdx, 0, availIdx.length);
        System.arraycopy(other.sizes, 0, sizes, 0, sizes.length);
    }

    int usedIdx(int q) {
        return Short.toUnsignedInt(ram.u16(used(q) + 2));
    }

    int usedId(int q, int n) {
        return ram.u32(used(q) + 4 + 8L * (n % sizes[q]));
    }

    int usedLen(int q, int n) {
        return ram.u32(used(q) + 4 + 8L * (n % sizes[q]) + 4);
    }

    int interruptStatus() {
        return read(0x060);
    }

    void ack(int bits) {
        write(0x064, bits);
    }
}
