package dev.axvm.device.virtio;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.device.internal.DeviceStateReader;
import dev.axvm.device.internal.RamWindowCache;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A split virtqueue (virtio 1.x, section 2.7) over guest memory, as the device sees it. The driver
 * owns everything in it, so every value read from the rings is treated as hostile: indices are
 * range-checked, chains are bounded by the queue size (no loop runs forever), indirect tables must
 * be negotiated, sized in whole descriptors, not nested and not chained, every buffer must lie in
 * one stretch of guest RAM, and device-readable buffers must precede device-writable ones. Any
 * violation throws {@link VirtQueueException}; nothing outside guest RAM is ever touched, because
 * every access goes through a window the guest memory handed out.
 *
 * <p>The rings are resolved to host memory once, when the driver makes the queue ready; a request
 * then costs reads and writes of those segments, with no lock and no allocation. Not thread-safe:
 * its transport serialises use.
 */
public final class VirtQueue {
    /** The largest queue size a split ring can have. */
    public static final int MAX_SIZE = 32768;

    static final int DESC_F_NEXT = 1;
    static final int DESC_F_WRITE = 2;
    static final int DESC_F_INDIRECT = 4;
    private static final int AVAIL_F_NO_INTERRUPT = 1;
    private static final int DESC_SIZE = 16;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int index;
    private final int maxSize;
    private final RamWindowCache windows;

    private int size;
    private long descAddr;
    private long availAddr;
    private long usedAddr;
    private boolean ready;

    private GuestMemory memory;
    private MemorySegment desc;
    private MemorySegment avail;
    private MemorySegment used;
    private boolean eventIdx;
    private boolean indirect;
    private int lastAvail;
    private int usedIdx;
    private int usedAtLastSignal;

    /**
     * Queue {@code index} of a device, at most {@code maxSize} entries (a power of 2), whose buffers
     * are resolved through {@code windows} (the device's, cleared on reset).
     */
    VirtQueue(int index, int maxSize, RamWindowCache windows) {
        if (maxSize < 1 || maxSize > MAX_SIZE || Integer.bitCount(maxSize) != 1) {
            throw new IllegalArgumentException("queue " + index + ": maximum size " + maxSize + " is not a power of 2 in 1.." + MAX_SIZE);
        }
        this.index = index;
        this.maxSize = maxSize;
        this.windows = java.util.Objects.requireNonNull(windows, "windows");
        this.size = maxSize;
    }

    // ---- what the driver configures through the transport -----------------------------------

    /** The queue's index in its device. */
    public int index() {
        return index;
    }

    /** The largest size the driver may choose. */
    public int maxSize() {
        return maxSize;
    }

    /** The size the driver chose (QueueNum); the maximum until it writes one. */
    public int size() {
        return size;
    }

    /** Whether the driver made the queue ready and its rings were found in guest RAM. */
    public boolean isReady() {
        return ready;
    }

    void setSize(int value) {
        size = value;
    }

    void setDescAddr(long value) {
        descAddr = value;
    }

    void setAvailAddr(long value) {
        availAddr = value;
    }

    void setUsedAddr(long value) {
        usedAddr = value;
    }

    long descAddr() {
        return descAddr;
    }

    long availAddr() {
        return availAddr;
    }

    long usedAddr() {
        return usedAddr;
    }

    /**
     * Makes the queue ready: checks the size and the rings' alignment and resolves each ring to
     * host memory. {@code features} are the negotiated feature bits.
     *
     * @throws VirtQueueException when the size or a ring is unusable (the queue stays not ready)
     */
    void enable(GuestMemory guestMemory, long features) {
        if (size < 1 || size > maxSize || Integer.bitCount(size) != 1) {
            throw new VirtQueueException(what() + "size " + size + " is not a power of 2 in 1.." + maxSize);
        }
        eventIdx = (features & (1L << VirtioFeatures.RING_EVENT_IDX)) != 0;
        indirect = (features & (1L << VirtioFeatures.RING_INDIRECT_DESC)) != 0;
        int tail = eventIdx ? 2 : 0;
        desc = ring(guestMemory, "descriptor table", descAddr, 16, (long) DESC_SIZE * size);
        avail = ring(guestMemory, "available ring", availAddr, 2, 4L + 2L * size + tail);
        used = ring(guestMemory, "used ring", usedAddr, 4, 4L + 8L * size + tail);
        memory = guestMemory;
        lastAvail = 0;
        usedIdx = 0;
        usedAtLastSignal = 0;
        ready = true;
    }

    private MemorySegment ring(GuestMemory guestMemory, String what, long gpa, int align, long length) {
        if ((gpa & (align - 1)) != 0) {
            throw new VirtQueueException(what() + what + " at GPA 0x" + Long.toHexString(gpa) + " is not " + align + "-byte aligned");
        }
        if (!windows.find(guestMemory, gpa, length)) {
            throw new VirtQueueException(what() + what + " [0x" + Long.toHexString(gpa) + ", +0x" + Long.toHexString(length)
                    + ") is not in one stretch of guest RAM");
        }
        return windows.segment().asSlice(windows.offset(gpa), length);
    }

    /** Back to the state after a device reset: not ready, no size, no rings. */
    void reset() {
        ready = false;
        size = maxSize;
        descAddr = 0;
        availAddr = 0;
        usedAddr = 0;
        desc = null;
        avail = null;
        used = null;
        memory = null;
    }

    /** Stops using the rings (QueueReady = 0); the configuration stays. */
    void disable() {
        ready = false;
        desc = null;
        avail = null;
        used = null;
    }

    // ---- what the device does ---------------------------------------------------------------

    /**
     * Takes the next available request into {@code chain}; false when the driver has made none
     * available (with {@code VIRTIO_RING_F_EVENT_IDX} the queue then asks to be notified of the
     * next one).
     *
     * @throws VirtQueueException when the available ring or the chain is malformed
     * @throws IllegalStateException when the queue is not ready
     */
    public boolean pop(DescriptorChain chain) {
        if (!ready) {
            throw new IllegalStateException(what() + "not ready");
        }
        int availIdx = Short.toUnsignedInt(avail.get(LE_SHORT, 2));
        if (availIdx == lastAvail && eventIdx) {
            used.set(LE_SHORT, 4L + 8L * size, (short) lastAvail);
            memory.noteWritten(usedAddr + 4L + 8L * size, 2);
            VarHandle.fullFence();
            // The driver may have added one between the check and the request to be told of the next.
            availIdx = Short.toUnsignedInt(avail.get(LE_SHORT, 2));
        }
        int pending = (availIdx - lastAvail) & 0xffff;
        if (pending == 0) {
            return false;
        }
        if (pending > size) {
            throw new VirtQueueException(what() + "available index " + availIdx + " is " + pending
                    + " ahead of the last one taken (" + lastAvail + "), more than the queue size " + size);
        }
        VarHandle.acquireFence(); // ring entries written before the index are visible
        int head = Short.toUnsignedInt(avail.get(LE_SHORT, 4L + 2L * (lastAvail & (size - 1))));
        walk(head, chain);
        lastAvail = (lastAvail + 1) & 0xffff;
        return true;
    }

    private void walk(int head, DescriptorChain chain) {
        if (head >= size) {
            throw new VirtQueueException(what() + "head descriptor " + head + " is out of range (size " + size + ")");
        }
        chain.start(head);
        int limit = Math.min(size, chain.capacity());
        MemorySegment table = desc;
        long tableBase = 0;
        int entries = size;
        boolean inIndirect = false;
        boolean writableSeen = false;
        int i = head;
        int visited = 0;
        while (true) {
            long base = tableBase + (long) DESC_SIZE * i;
            long addr = table.get(LE_LONG, base);
            int len = table.get(LE_INT, base + 8);
            int flags = Short.toUnsignedInt(table.get(LE_SHORT, base + 12));
            int next = Short.toUnsignedInt(table.get(LE_SHORT, base + 14));
            if (++visited > limit) {
                throw new VirtQueueException(what() + "chain from head " + head + " is longer than " + limit
                        + " descriptors (a loop, or longer than the queue size)");
            }
            if ((flags & DESC_F_INDIRECT) != 0) {
                if (!indirect) {
                    throw new VirtQueueException(what() + "descriptor " + i + " is indirect; VIRTIO_F_INDIRECT_DESC was not negotiated");
                }
                if (inIndirect || (flags & DESC_F_NEXT) != 0) {
                    throw new VirtQueueException(what() + "descriptor " + i
                            + (inIndirect ? " is indirect inside an indirect table" : " is indirect and has NEXT set"));
                }
                long bytes = Integer.toUnsignedLong(len);
                if (bytes == 0 || bytes % DESC_SIZE != 0 || bytes / DESC_SIZE > limit) {
                    throw new VirtQueueException(what() + "indirect table of " + bytes + " bytes at descriptor " + i
                            + " is not 1.." + limit + " whole descriptors");
                }
                if ((addr & (DESC_SIZE - 1)) != 0 || !windows.find(memory, addr, bytes)) {
                    throw new VirtQueueException(what() + "indirect table [0x" + Long.toHexString(addr) + ", +0x"
                            + Long.toHexString(bytes) + ") is unaligned or not in one stretch of guest RAM");
                }
                table = windows.segment();
                tableBase = windows.offset(addr);
                entries = (int) (bytes / DESC_SIZE);
                inIndirect = true;
                visited = 0;
                i = 0;
                continue;
            }
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && writableSeen) {
                throw new VirtQueueException(what() + "descriptor " + i + " is device-readable after a device-writable one");
            }
            writableSeen |= writable;
            long length = Integer.toUnsignedLong(len);
            if (len < 0) {
                // A chain keeps lengths as ints: a 2 GiB+ buffer would turn negative in every sum after it.
                throw new VirtQueueException(what() + "buffer of descriptor " + i + " is 0x" + Long.toHexString(length)
                        + " bytes, 2 GiB or more");
            }
            if (!windows.find(memory, addr, length)) {
                throw new VirtQueueException(what() + "buffer [0x" + Long.toHexString(addr) + ", +0x" + Long.toHexString(length)
                        + ") of descriptor " + i + " is not in one stretch of guest RAM");
            }
            chain.add(windows.segment(), windows.buffer(), windows.offset(addr), len, writable);
            if (writable) {
                // Noted before the device writes, as a diff snapshot needs: no snapshot falls between
                // (the transport serves and snapshots under one lock, and holds itself across one).
                memory.noteWritten(addr, length);
            }
            if ((flags & DESC_F_NEXT) == 0) {
                return;
            }
            if (next >= entries) {
                throw new VirtQueueException(what() + "descriptor " + i + " chains to " + next + ", out of range (" + entries
                        + (inIndirect ? " in the indirect table)" : ")"));
            }
            i = next;
        }
    }

    /**
     * Hands the request with head {@code head} back to the driver, saying that the device wrote
     * {@code written} bytes into its writable buffers.
     */
    public void complete(int head, int written) {
        if (!ready) {
            throw new IllegalStateException(what() + "not ready");
        }
        long slot = 4L + 8L * (usedIdx & (size - 1));
        used.set(LE_INT, slot, head);
        used.set(LE_INT, slot + 4, written);
        usedIdx = (usedIdx + 1) & 0xffff;
        VarHandle.releaseFence(); // the entry before the index that publishes it
        used.set(LE_SHORT, 2, (short) usedIdx);
        memory.noteWritten(usedAddr, slot + 8); // the index and the entry: from the ring's start, one range
    }

    /**
     * Whether the driver wants an interrupt for what {@link #complete} published since the last
     * time this returned true: the available ring's NO_INTERRUPT flag, or with
     * {@code VIRTIO_RING_F_EVENT_IDX} its {@code used_event}.
     */
    public boolean needsInterrupt() {
        if (!ready || usedIdx == usedAtLastSignal) {
            return false;
        }
        VarHandle.fullFence(); // the used index is visible before the driver's wish is read
        int old = usedAtLastSignal;
        boolean wanted;
        if (eventIdx) {
            int event = Short.toUnsignedInt(avail.get(LE_SHORT, 4L + 2L * size));
            wanted = ((usedIdx - event - 1) & 0xffff) < ((usedIdx - old) & 0xffff);
        } else {
            wanted = (Short.toUnsignedInt(avail.get(LE_SHORT, 0)) & AVAIL_F_NO_INTERRUPT) == 0;
        }
        usedAtLastSignal = usedIdx;
        return wanted;
    }

    // ---- snapshots ---------------------------------------------------------------------------

    /** The bytes {@link #save} writes: size (4), the three ring addresses (8 each), flags (1), three indices (2 each). */
    static final int STATE_BYTES = 4 + 3 * 8 + 1 + 3 * 2;
    private static final int STATE_READY = 1;
    private static final int STATE_EVENT_IDX = 2;
    private static final int STATE_INDIRECT = 4;

    /**
     * Writes the queue's state: what the driver configured (size, ring addresses, ready) and how far
     * the device got (the last available index taken, the used index, the used index at the last
     * interrupt decision). The rings' contents are guest memory, which the VM's snapshot carries.
     */
    void save(ByteBuffer out) {
        int flags = (ready ? STATE_READY : 0) | (eventIdx ? STATE_EVENT_IDX : 0) | (indirect ? STATE_INDIRECT : 0);
        out.putInt(size).putLong(descAddr).putLong(availAddr).putLong(usedAddr).put((byte) flags)
                .putShort((short) lastAvail).putShort((short) usedIdx).putShort((short) usedAtLastSignal);
    }

    /**
     * Reads this queue's state from {@code in} and checks it as {@link #enable} checks what a driver
     * set — a ready queue's size and rings, found in {@code guestMemory} — and that a ready queue
     * has no request taken and not completed (the device completes each before it lets go of its
     * transport's lock). Returns what puts the state in place; nothing changes until it runs.
     *
     * @throws IllegalArgumentException naming the field and its offset
     * @throws IllegalStateException when the queue is ready and there is no guest memory to find it in
     */
    Runnable restoring(DeviceStateReader in, GuestMemory guestMemory) {
        int at = in.offset();
        int savedSize = in.u32(what() + "size");
        long savedDesc = in.u64(what() + "descriptor table address");
        long savedAvail = in.u64(what() + "available ring address");
        long savedUsed = in.u64(what() + "used ring address");
        int flagsAt = in.offset();
        int flags = in.u8(what() + "flags");
        int savedLastAvail = in.u16(what() + "last available index");
        int savedUsedIdx = in.u16(what() + "used index");
        int savedSignalled = in.u16(what() + "used index at the last interrupt");
        if ((flags & ~(STATE_READY | STATE_EVENT_IDX | STATE_INDIRECT)) != 0) {
            throw in.refused(what() + "flags 0x" + Integer.toHexString(flags) + " (offset " + flagsAt + ") has unknown bits");
        }
        boolean savedReady = (flags & STATE_READY) != 0;
        boolean savedEventIdx = (flags & STATE_EVENT_IDX) != 0;
        if (!savedReady) {
            // The registers hold whatever the driver wrote; enable() checks them when it next sets QueueReady.
            return () -> {
                reset();
                assign(savedSize, savedDesc, savedAvail, savedUsed, flags, savedLastAvail, savedUsedIdx, savedSignalled);
            };
        }
        if (savedSize < 1 || savedSize > maxSize || Integer.bitCount(savedSize) != 1) {
            throw in.refused(what() + "size " + savedSize + " (offset " + at + ") of a ready queue is not a power of 2 in 1.."
                    + maxSize);
        }
        if (savedLastAvail != savedUsedIdx) {
            throw in.refused(what() + "last available index " + savedLastAvail + " and used index " + savedUsedIdx + " (offset "
                    + (flagsAt + 1) + ") leave a request in flight, which the device never does");
        }
        if (((savedUsedIdx - savedSignalled) & 0xffff) > savedSize) {
            throw in.refused(what() + "used index at the last interrupt " + savedSignalled + " (offset " + (flagsAt + 5)
                    + ") is more than the queue size behind the used index " + savedUsedIdx);
        }
        if (guestMemory == null) {
            throw new IllegalStateException(what() + "ready in the saved state, but the device has no guest memory to find its "
                    + "rings in: attach it before the restore");
        }
        int tail = savedEventIdx ? 2 : 0;
        MemorySegment d;
        MemorySegment a;
        MemorySegment u;
        try {
            d = ring(guestMemory, "descriptor table", savedDesc, 16, (long) DESC_SIZE * savedSize);
            a = ring(guestMemory, "available ring", savedAvail, 2, 4L + 2L * savedSize + tail);
            u = ring(guestMemory, "used ring", savedUsed, 4, 4L + 8L * savedSize + tail);
        } catch (VirtQueueException e) {
            throw in.refused(e.getMessage() + " (offsets " + (at + 4) + ".." + (flagsAt - 1) + ")");
        }
        return () -> {
            assign(savedSize, savedDesc, savedAvail, savedUsed, flags, savedLastAvail, savedUsedIdx, savedSignalled);
            desc = d;
            avail = a;
            used = u;
            memory = guestMemory;
        };
    }

    private void assign(int newSize, long newDesc, long newAvail, long newUsed, int flags, int newLastAvail, int newUsedIdx,
            int signalled) {
        size = newSize;
        descAddr = newDesc;
        availAddr = newAvail;
        usedAddr = newUsed;
        ready = (flags & STATE_READY) != 0;
        eventIdx = (flags & STATE_EVENT_IDX) != 0;
        indirect = (flags & STATE_INDIRECT) != 0;
        lastAvail = newLastAvail;
        usedIdx = newUsedIdx;
        usedAtLastSignal = signalled;
    }

    private String what() {
        return "queue " + index + ": ";
    }
}
