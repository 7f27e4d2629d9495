package dev.axvm.addrspace;

import dev.axvm.addrspace.internal.Area;
import dev.axvm.addrspace.internal.AreaIndex;
import dev.axvm.addrspace.npt.NestedPageTable;
import dev.axvm.addrspace.npt.PageMapping;
import dev.axvm.addrspace.npt.PageSize;
import dev.axvm.addrspace.npt.PageTableFormat;
import dev.axvm.addrspace.npt.TlbFlushHook;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;

/**
 * A guest's physical address space, as AxVisor's {@code AddrSpace}: the single source of truth
 * for the guest-physical map over {@code [base, base + size)}. It keeps the areas (each backed
 * {@linkplain #mapLinear linearly} by a host block or {@linkplain #mapAlloc by frames} from the
 * paging handler, populated up front or on first touch) and the {@link NestedPageTable} that
 * encodes them in the chosen {@link PageTableFormat}; KVM memory slots ({@link #areas()}),
 * device-emulation access ({@link GuestMemory}, {@link #hostWindow}) and the nested table are all
 * derived from it.
 *
 * <p>Guest-controlled values are never trusted: {@link #translate(long)}, {@link #handlePageFault}
 * and the {@link GuestMemory} methods accept any 64-bit address. Guest-memory accesses reach only
 * RAM areas (every area that is not DEVICE), whatever the guest's own permissions on them, through
 * bounds-checked segments; an access with any byte outside RAM fails whole with a
 * {@link GuestMemoryException} naming the address. Configuration errors (misaligned, negative,
 * wrapping or out-of-range requests, overlapping areas) throw {@link IllegalArgumentException}
 * naming the value.
 *
 * <p>Thread-safe: changes take a write lock; lookups and guest-memory accesses share a read lock
 * and, in steady state, allocate nothing. A host access to a page of a lazy area that no fault has
 * populated yet populates it, as the guest's own touch would.
 *
 * @param <P> the host's paging handler
 */
public final class AddrSpace<P extends PagingHandler> implements GuestMemory, AutoCloseable {
    /** What {@link #translate(long)} returns for an unmapped address. */
    public static final long UNMAPPED = NestedPageTable.UNMAPPED;

    private static final long PAGE = PagingHandler.FRAME_SIZE;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final P handler;
    private final PageTableFormat format;
    private final long base;
    private final long limit;
    private final PageSize maxPageSize;
    private final NestedPageTable pageTable;
    private final StampedLock lock = new StampedLock();
    private AreaIndex areas = AreaIndex.EMPTY;
    private boolean closed;
    private volatile WrittenPages writtenPages;

    /**
     * An empty address space over {@code [base, base + size)} whose linear areas may use entries up
     * to 1 GiB and which flushes nothing.
     *
     * @throws IllegalArgumentException when the range is misaligned, empty or beyond the format's addresses
     * @throws FrameAllocationException when the root table cannot be allocated
     */
    public AddrSpace(P handler, PageTableFormat format, GuestPhysAddr base, long size) {
        this(handler, format, base, size, PageSize.SIZE_1G, TlbFlushHook.NONE);
    }

    /**
     * An empty address space over {@code [base, base + size)}.
     *
     * @param maxPageSize the largest entry linear areas may use (e.g. {@link PageSize#SIZE_2M} on
     *     x86 hosts without 1 GiB EPT pages)
     * @param flushHook told of every guest-physical range whose mappings were removed or changed
     * @throws IllegalArgumentException when the range is misaligned, empty or beyond the format's addresses
     * @throws FrameAllocationException when the root table cannot be allocated
     */
    public AddrSpace(P handler, PageTableFormat format, GuestPhysAddr base, long size, PageSize maxPageSize,
            TlbFlushHook flushHook) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.format = Objects.requireNonNull(format, "format");
        this.maxPageSize = Objects.requireNonNull(maxPageSize, "maxPageSize");
        long b = base.value();
        if (size <= 0 || (size & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("address space size 0x" + Long.toHexString(size)
                    + " is not a positive multiple of 4 KiB");
        }
        if ((b & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("address space base " + base + " is not 4 KiB aligned");
        }
        if (b < 0 || b >= format.gpaLimit() || size > format.gpaLimit() - b) {
            throw new IllegalArgumentException("address space " + base + " + size 0x" + Long.toHexString(size)
                    + " leaves " + format + "'s " + format.inputBits() + "-bit guest-physical range");
        }
        this.base = b;
        this.limit = b + size;
        this.pageTable = NestedPageTable.create(format, handler, flushHook);
    }

    /** The paging handler frames come from. */
    public P pagingHandler() {
        return handler;
    }

    /** The nested page-table format. */
    public PageTableFormat format() {
        return format;
    }

    /** The first guest-physical address of the space. */
    public GuestPhysAddr base() {
        return GuestPhysAddr.of(base);
    }

    /** Bytes of guest-physical address space. */
    public long size() {
        return limit - base;
    }

    /** The host-physical address of the nested page table's root. */
    public HostPhysAddr pageTableRoot() {
        return pageTable.rootAddress();
    }

    /** The root as the hardware register wants it (EPTP, VTTBR_EL2 or hgatp); see {@link NestedPageTable#rootRegister()}. */
    public long pageTableRegister() {
        return pageTable.rootRegister();
    }

    /** Frames the nested page table uses now. */
    public int pageTableFrames() {
        long stamp = lock.readLock();
        try {
            return pageTable.tableFrames();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // ---------------------------------------------------------------- mapping

    /**
     * Maps {@code [gpa, gpa + size)} to the host block {@code [hpa, hpa + size)}, which the caller
     * owns and keeps alive while it is mapped, using 2 MiB and 1 GiB entries where both addresses
     * allow. Unless {@code flags} has DEVICE, the block must be memory the paging handler can
     * expose ({@link PagingHandler#physToSegment}): that is what guest-memory accesses then use.
     *
     * @throws IllegalArgumentException for a misaligned, non-positive, wrapping or out-of-range
     *     request, an overlap with an existing area, flags the format cannot encode, or host memory
     *     the handler does not own
     * @throws FrameAllocationException when a table frame cannot be allocated (nothing is mapped)
     */
    public void mapLinear(GuestPhysAddr gpa, HostPhysAddr hpa, long size, MappingFlags flags) {
        long g = gpa.value();
        long h = hpa.value();
        Objects.requireNonNull(flags, "flags");
        long stamp = lock.writeLock();
        try {
            checkOpen();
            checkRequest("mapLinear", g, size);
            if ((h & (PAGE - 1)) != 0) {
                throw new IllegalArgumentException("mapLinear: " + hpa + " is not 4 KiB aligned");
            }
            if (Long.compareUnsigned(h + size, h) < 0) {
                throw new IllegalArgumentException("mapLinear: " + hpa + " + size 0x" + Long.toHexString(size) + " wraps past 2^64");
            }
            format.encodedFlags(flags);
            checkNoOverlap("mapLinear", g, size);
            MemorySegment segment = null;
            if (!flags.has(MappingFlags.DEVICE_BIT)) {
                try {
                    segment = handler.physToSegment(hpa, size);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("mapLinear " + range(g, size) + ": host memory " + hpa + " + 0x"
                            + Long.toHexString(size) + " is not memory the paging handler exposes: " + e.getMessage(), e);
                }
                if (segment.byteSize() != size) {
                    throw new IllegalStateException("paging handler exposed " + segment.byteSize() + " bytes for "
                            + hpa + " + 0x" + Long.toHexString(size));
                }
            }
            pageTable.map(g, h, size, flags, maxPageSize);
            areas = areas.with(Area.linear(g, g + size, flags, h, segment));
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Maps {@code [gpa, gpa + size)} to frames allocated from the paging handler, one 4 KiB frame
     * per page: all now when {@code populate}, otherwise each on its page's first fault
     * ({@link #handlePageFault}) or host access. The frames are freed on unmap and close.
     *
     * @throws IllegalArgumentException for a misaligned, non-positive, wrapping or out-of-range
     *     request, an overlap with an existing area, or flags the format cannot encode
     * @throws FrameAllocationException when populating runs out of frames (nothing is mapped)
     */
    public void mapAlloc(GuestPhysAddr gpa, long size, MappingFlags flags, boolean populate) {
        long g = gpa.value();
        Objects.requireNonNull(flags, "flags");
        long stamp = lock.writeLock();
        try {
            checkOpen();
            checkRequest("mapAlloc", g, size);
            format.encodedFlags(flags);
            checkNoOverlap("mapAlloc", g, size);
            if (size / PAGE > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("mapAlloc " + range(g, size) + ": more than 2^31 pages in one area");
            }
            Area area = Area.alloc(g, g + size, flags, populate);
            if (populate) {
                int done = 0;
                try {
                    for (; done < area.pageCount(); done++) {
                        populatePage(area, done);
                    }
                } catch (RuntimeException e) {
                    releaseFrames(area, g, g + done * PAGE, true);
                    throw e;
                }
            }
            areas = areas.with(area);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Unmaps every area's part inside {@code [gpa, gpa + size)} (holes are allowed), splitting
     * areas and blocks that straddle an end, and frees the frames of allocated areas in it.
     *
     * @throws IllegalArgumentException for a misaligned, non-positive, wrapping or out-of-range request
     * @throws FrameAllocationException when a block must be split and no frame is left (nothing changes)
     */
    public void unmap(GuestPhysAddr gpa, long size) {
        long g = gpa.value();
        long stamp = lock.writeLock();
        try {
            checkOpen();
            checkRequest("unmap", g, size);
            long end = g + size;
            // Collect the frames first: the table is the record of which frame backs a page, and a
            // failed unmap (no frame to split a block) must leave them all in place.
            long[] frames = collectFrames(g, end);
            pageTable.unmap(g, size);
            for (long f : frames) {
                handler.freeFrame(HostPhysAddr.of(f));
            }
            areas = areas.without(g, end);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Gives every area's part inside {@code [gpa, gpa + size)} the flags {@code flags} (holes are
     * allowed), splitting areas and blocks that straddle an end; pages of lazy areas populated
     * later get the new flags too.
     *
     * @throws IllegalArgumentException for a misaligned, non-positive, wrapping or out-of-range
     *     request or flags the format cannot encode
     * @throws FrameAllocationException when a block must be split and no frame is left (nothing changes)
     */
    public void protect(GuestPhysAddr gpa, long size, MappingFlags flags) {
        long g = gpa.value();
        Objects.requireNonNull(flags, "flags");
        long stamp = lock.writeLock();
        try {
            checkOpen();
            checkRequest("protect", g, size);
            format.encodedFlags(flags);
            pageTable.protect(g, size, flags);
            areas = areas.reflagged(g, g + size, flags);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Resolves a nested page fault the guest took at {@code gpa} trying {@code accessFlags}
     * (READ, WRITE and/or EXECUTE): in a lazy area whose flags allow the access, maps a zeroed
     * frame at the page (or finds it already mapped by an earlier fault) and returns true. Returns
     * false, and changes nothing, for any address outside every area, an access the area's flags
     * do not allow, an area that is linear or populated (its mapping is already what it will be),
     * and after {@link #close()}. Never throws for guest-supplied values.
     *
     * @throws FrameAllocationException when the host has no frame left for the page (a host
     *     condition, bounded by the area's size, not a guest error)
     */
    public boolean handlePageFault(long gpa, MappingFlags accessFlags) {
        if (accessFlags == null) {
            return false;
        }
        long stamp = lock.writeLock();
        try {
            if (closed) {
                return false;
            }
            Area a = areas.find(gpa);
            if (a == null || !a.flags().contains(accessFlags) || !a.isLazy()) {
                return false;
            }
            int page = a.pageIndex(gpa);
            if (a.frame(page) == null) {
                populatePage(a, page);
            }
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** {@link #handlePageFault(long, MappingFlags)} for a fault record. */
    public boolean handlePageFault(NestedPageFaultInfo fault) {
        return fault != null && fault.address() != null && handlePageFault(fault.address().value(), fault.accessFlags());
    }

    // ---------------------------------------------------------------- lookups

    /**
     * The host-physical address {@code gpa} maps to, or {@link #UNMAPPED}: the nested table's
     * answer. Any 64-bit {@code gpa} is accepted; allocation-free.
     */
    public long translate(long gpa) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            return pageTable.translate(gpa);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The host-physical address of {@code gpa}, if mapped. */
    public Optional<HostPhysAddr> translate(GuestPhysAddr gpa) {
        long hpa = translate(gpa.value());
        return hpa == UNMAPPED ? Optional.empty() : Optional.of(HostPhysAddr.of(hpa));
    }

    /**
     * The host-physical address of {@code gpa} and the bytes from it to the end of its area, if
     * mapped (AxVisor's {@code translate_and_get_limit}).
     */
    public Optional<Translation> translateAndGetLimit(GuestPhysAddr gpa) {
        long g = gpa.value();
        long stamp = lock.readLock();
        try {
            checkOpen();
            long hpa = pageTable.translate(g);
            Area a = areas.find(g);
            if (hpa == UNMAPPED || a == null) {
                return Optional.empty();
            }
            return Optional.of(new Translation(HostPhysAddr.of(hpa), a.end() - g));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The nested page table's leaf entry for {@code gpa}, decoded (size, host address, flags as encoded). */
    public Optional<PageMapping> query(long gpa) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            return pageTable.query(gpa);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * The nested page table's leaf entries covering {@code [gpa, gpa + size)}, decoded, in address
     * order (see {@link NestedPageTable#query(long, long)}).
     *
     * @throws IllegalArgumentException for a misaligned, non-positive, wrapping or out-of-range request
     */
    public List<PageMapping> query(GuestPhysAddr gpa, long size) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            checkRequest("query", gpa.value(), size);
            return pageTable.query(gpa.value(), size);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * The areas, in address order: what a KVM backend registers as memory slots (the linear RAM
     * areas, with their host segments) and what a VMM lists.
     */
    public List<MemoryArea> areas() {
        long stamp = lock.readLock();
        try {
            checkOpen();
            List<MemoryArea> out = new ArrayList<>();
            for (Area a : areas.all()) {
                out.add(a.describe());
            }
            return List.copyOf(out);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * The host memory behind the guest RAM {@code [gpa, gpa + size)} as one bounds-checked segment,
     * for image loading and device DMA. The range must be contiguous in host memory: inside one
     * linear area (or adjacent linear areas whose host blocks are adjacent too), or inside one page
     * of an allocated area (populated here if lazy). The segment stays valid while the range stays
     * mapped; the caller must not use it after unmapping it or closing this space.
     *
     * @throws IllegalArgumentException when {@code size} is not positive
     * @throws GuestMemoryException naming the first address that is not RAM, or where host memory stops being contiguous
     */
    public MemorySegment hostWindow(long gpa, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("host window of " + size + " bytes at GPA 0x" + Long.toHexString(gpa));
        }
        long stamp = lock.readLock();
        try {
            checkOpen();
            MemorySegment window = window(gpa, size, false);
            if (window != null) {
                return window;
            }
        } finally {
            lock.unlockRead(stamp);
        }
        stamp = lock.writeLock();
        try {
            checkOpen();
            return window(gpa, size, true);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The window, or null when it lies in an unpopulated lazy page and {@code populate} is false. */
    private MemorySegment window(long gpa, long size, boolean populate) {
        checkRam("host window", gpa, size);
        long end = gpa + size;
        Area a = areas.find(gpa);
        if (!a.isLinear()) {
            if (end > a.contiguousEnd(gpa)) {
                throw new GuestMemoryException(a.contiguousEnd(gpa), "host window " + range(gpa, size)
                        + ": GPA 0x" + Long.toHexString(a.contiguousEnd(gpa))
                        + " starts another frame of an allocated area, not contiguous in host memory");
            }
            int page = a.pageIndex(gpa);
            if (a.frame(page) == null) {
                if (!populate) {
                    return null;
                }
                populatePage(a, page);
            }
            return a.hostSegment(gpa).asSlice(a.hostOffset(gpa), size);
        }
        if (end <= a.end()) {
            return a.hostSegment(gpa).asSlice(a.hostOffset(gpa), size);
        }
        long hostStart = a.hostStart() + (gpa - a.start());
        Area cur = a;
        while (end > cur.end()) {
            Area next = areas.find(cur.end());
            if (!next.isLinear() || next.hostStart() != cur.hostStart() + (cur.end() - cur.start())) {
                throw new GuestMemoryException(cur.end(), "host window " + range(gpa, size) + ": GPA 0x"
                        + Long.toHexString(cur.end()) + " is not contiguous in host memory with the bytes before it");
            }
            cur = next;
        }
        return handler.physToSegment(HostPhysAddr.of(hostStart), size);
    }

    // ---------------------------------------------------------------- GuestMemory

    /**
     * Notes every host write into this space's RAM in {@code pages} from now on (null: stop):
     * the writes through this class's own methods and those reported by {@link #noteWritten}.
     */
    public void trackWrites(WrittenPages pages) {
        this.writtenPages = pages;
    }

    @Override
    public void noteWritten(long gpa, long length) {
        WrittenPages w = writtenPages;
        if (w != null) {
            w.note(gpa, length);
        }
    }

    /**
     * {@inheritDoc} Here: a whole linear area (one host block), or one page of an allocated area
     * (populated here if lazy).
     */
    @Override
    public RamWindow ramWindow(long gpa) {
        long page;
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            if (a == null || !a.isRam()) {
                return null;
            }
            if (a.isLinear()) {
                return new RamWindow(a.start(), a.hostSegment(gpa).asSlice(0, a.end() - a.start()));
            }
            page = gpa & -PAGE;
        } finally {
            lock.unlockRead(stamp);
        }
        return new RamWindow(page, hostWindow(page, PAGE));
    }

    @Override
    public boolean isRam(long gpa, long length) {
        if (length < 0) {
            return false;
        }
        long stamp = lock.readLock();
        try {
            checkOpen();
            return length == 0 || (!wraps(gpa, length) && firstNonRam(gpa, length) == -1);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public void read(long gpa, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        transfer("read", gpa, dst, null, offset, length, false);
    }

    @Override
    public void write(long gpa, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        transfer("write", gpa, src, null, offset, length, true);
    }

    /** Copies {@code dst.byteSize()} bytes at {@code gpa} into {@code dst}. */
    public void read(long gpa, MemorySegment dst) {
        transfer("read", gpa, null, dst, 0, dst.byteSize(), false);
    }

    /** Copies all of {@code src} to {@code gpa}. */
    public void write(long gpa, MemorySegment src) {
        transfer("write", gpa, null, src, 0, src.byteSize(), true);
    }

    @Override
    public void read(long gpa, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int n = dst.remaining();
        transfer("read", gpa, null, MemorySegment.ofBuffer(dst), 0, n, false);
        dst.position(dst.position() + n);
    }

    @Override
    public void write(long gpa, ByteBuffer src) {
        int n = src.remaining();
        transfer("write", gpa, null, MemorySegment.ofBuffer(src), 0, n, true);
        src.position(src.position() + n);
    }

    @Override
    public byte readByte(long gpa) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam()) {
                return s.get(ValueLayout.JAVA_BYTE, a.hostOffset(gpa));
            }
        } finally {
            lock.unlockRead(stamp);
        }
        return (byte) readSlow("readByte", gpa, 1);
    }

    @Override
    public short readShort(long gpa) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam() && a.contiguousEnd(gpa) - gpa >= 2) {
                return s.get(LE_SHORT, a.hostOffset(gpa));
            }
        } finally {
            lock.unlockRead(stamp);
        }
        return (short) readSlow("readShort", gpa, 2);
    }

    @Override
    public int readInt(long gpa) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam() && a.contiguousEnd(gpa) - gpa >= 4) {
                return s.get(LE_INT, a.hostOffset(gpa));
            }
        } finally {
            lock.unlockRead(stamp);
        }
        return (int) readSlow("readInt", gpa, 4);
    }

    @Override
    public long readLong(long gpa) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam() && a.contiguousEnd(gpa) - gpa >= 8) {
                return s.get(LE_LONG, a.hostOffset(gpa));
            }
        } finally {
            lock.unlockRead(stamp);
        }
        return readSlow("readLong", gpa, 8);
    }

    @Override
    public void writeByte(long gpa, byte value) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam()) {
                s.set(ValueLayout.JAVA_BYTE, a.hostOffset(gpa), value);
                noteWritten(gpa, 1);
                return;
            }
        } finally {
            lock.unlockRead(stamp);
        }
        writeSlow("writeByte", gpa, 1, value);
    }

    @Override
    public void writeShort(long gpa, short value) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam() && a.contiguousEnd(gpa) - gpa >= 2) {
                s.set(LE_SHORT, a.hostOffset(gpa), value);
                noteWritten(gpa, 2);
                return;
            }
        } finally {
            lock.unlockRead(stamp);
        }
        writeSlow("writeShort", gpa, 2, value);
    }

    @Override
    public void writeInt(long gpa, int value) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam() && a.contiguousEnd(gpa) - gpa >= 4) {
                s.set(LE_INT, a.hostOffset(gpa), value);
                noteWritten(gpa, 4);
                return;
            }
        } finally {
            lock.unlockRead(stamp);
        }
        writeSlow("writeInt", gpa, 4, value);
    }

    @Override
    public void writeLong(long gpa, long value) {
        long stamp = lock.readLock();
        try {
            checkOpen();
            Area a = areas.find(gpa);
            MemorySegment s = a == null ? null : a.hostSegment(gpa);
            if (s != null && a.isRam() && a.contiguousEnd(gpa) - gpa >= 8) {
                s.set(LE_LONG, a.hostOffset(gpa), value);
                noteWritten(gpa, 8);
                return;
            }
        } finally {
            lock.unlockRead(stamp);
        }
        writeSlow("writeLong", gpa, 8, value);
    }

    /** A value crossing a page or area boundary, in a lazy page, or failing: byte by byte under the write lock. */
    private long readSlow(String op, long gpa, int n) {
        long stamp = lock.writeLock();
        try {
            checkOpen();
            checkRam(op, gpa, n);
            populate(gpa, gpa + n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                Area a = areas.find(gpa + i);
                v |= (a.hostSegment(gpa + i).get(ValueLayout.JAVA_BYTE, a.hostOffset(gpa + i)) & 0xffL) << (8 * i);
            }
            return v;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void writeSlow(String op, long gpa, int n, long value) {
        noteWritten(gpa, n);
        long stamp = lock.writeLock();
        try {
            checkOpen();
            checkRam(op, gpa, n);
            populate(gpa, gpa + n);
            for (int i = 0; i < n; i++) {
                Area a = areas.find(gpa + i);
                a.hostSegment(gpa + i).set(ValueLayout.JAVA_BYTE, a.hostOffset(gpa + i), (byte) (value >>> (8 * i)));
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Copies between guest RAM and {@code array} (or {@code segment} when the array is null): all
     * bytes checked first, then copied area by area. Under the read lock when every page is
     * populated, otherwise under the write lock to populate first.
     */
    private void transfer(String op, long gpa, byte[] array, MemorySegment segment, long pos, long length, boolean toGuest) {
        if (length == 0) {
            return;
        }
        long stamp = lock.readLock();
        try {
            checkOpen();
            checkRam(op, gpa, length);
            if (allPopulated(gpa, gpa + length)) {
                copy(gpa, array, segment, pos, length, toGuest);
                return;
            }
        } finally {
            lock.unlockRead(stamp);
        }
        stamp = lock.writeLock();
        try {
            checkOpen();
            checkRam(op, gpa, length);
            populate(gpa, gpa + length);
            copy(gpa, array, segment, pos, length, toGuest);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void copy(long gpa, byte[] array, MemorySegment segment, long pos, long length, boolean toGuest) {
        if (toGuest) {
            noteWritten(gpa, length);
        }
        long cur = gpa;
        long end = gpa + length;
        while (cur < end) {
            Area a = areas.find(cur);
            long chunk = Math.min(end, a.contiguousEnd(cur)) - cur;
            MemorySegment host = a.hostSegment(cur);
            long hostOff = a.hostOffset(cur);
            if (array != null) {
                if (toGuest) {
                    MemorySegment.copy(array, (int) pos, host, ValueLayout.JAVA_BYTE, hostOff, (int) chunk);
                } else {
                    MemorySegment.copy(host, ValueLayout.JAVA_BYTE, hostOff, array, (int) pos, (int) chunk);
                }
            } else if (toGuest) {
                MemorySegment.copy(segment, pos, host, hostOff, chunk);
            } else {
                MemorySegment.copy(host, hostOff, segment, pos, chunk);
            }
            cur += chunk;
            pos += chunk;
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Frees every frame this space allocated (allocated areas' frames and the page table); idempotent. */
    @Override
    public void close() {
        long stamp = lock.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Area a : areas.all()) {
                if (!a.isLinear()) {
                    releaseFrames(a, a.start(), a.end(), false);
                }
            }
            areas = AreaIndex.EMPTY;
            pageTable.close();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ---------------------------------------------------------------- internals (lock held)

    private void populatePage(Area a, int page) {
        HostPhysAddr frame = handler.allocFrame();
        try {
            MemorySegment s = handler.physToSegment(frame, PAGE);
            pageTable.map(a.start() + page * PAGE, frame.value(), PAGE, a.flags(), PageSize.SIZE_4K);
            a.setFrame(page, s);
        } catch (RuntimeException e) {
            handler.freeFrame(frame);
            throw e;
        }
    }

    /** Populates the unpopulated pages of lazy areas in {@code [from, to)} (all RAM, checked). */
    private void populate(long from, long to) {
        long cur = from;
        while (cur < to) {
            Area a = areas.find(cur);
            long stop = Math.min(to, a.end());
            if (a.isLazy()) {
                for (int i = a.pageIndex(cur), last = a.pageIndex(stop - 1); i <= last; i++) {
                    if (a.frame(i) == null) {
                        populatePage(a, i);
                    }
                }
            }
            cur = stop;
        }
    }

    private boolean allPopulated(long from, long to) {
        long cur = from;
        while (cur < to) {
            Area a = areas.find(cur);
            long stop = Math.min(to, a.end());
            if (!a.populated(cur, stop)) {
                return false;
            }
            cur = stop;
        }
        return true;
    }

    /** Frees the frames of {@code [from, to)} of allocated area {@code a}, unmapping them first when asked. */
    private void releaseFrames(Area a, long from, long to, boolean unmap) {
        if (from >= to) {
            return;
        }
        long[] frames = new long[a.pageIndex(to - 1) - a.pageIndex(from) + 1];
        int n = 0;
        for (long p = from; p < to; p += PAGE) {
            if (a.frame(a.pageIndex(p)) != null) {
                frames[n++] = pageTable.translate(p);
                a.setFrame(a.pageIndex(p), null);
            }
        }
        if (unmap) {
            pageTable.unmap(from, to - from);
        }
        for (int i = 0; i < n; i++) {
            handler.freeFrame(HostPhysAddr.of(frames[i]));
        }
    }

    private long[] collectFrames(long from, long to) {
        long[] frames = new long[16];
        int n = 0;
        for (Area a : areas.overlapping(from, to)) {
            if (a.isLinear()) {
                continue;
            }
            long lo = Math.max(from, a.start());
            long hi = Math.min(to, a.end());
            for (long p = lo; p < hi; p += PAGE) {
                if (a.frame(a.pageIndex(p)) != null) {
                    if (n == frames.length) {
                        frames = Arrays.copyOf(frames, n * 2);
                    }
                    frames[n++] = pageTable.translate(p);
                }
            }
        }
        return Arrays.copyOf(frames, n);
    }

    private static boolean wraps(long gpa, long length) {
        return Long.compareUnsigned(gpa + length, gpa) < 0 || gpa + length == 0;
    }

    /** The first address of {@code [gpa, gpa + length)} that is not host-accessible RAM, or -1 (length positive, no wrap). */
    private long firstNonRam(long gpa, long length) {
        long end = gpa + length;
        long cur = gpa;
        while (Long.compareUnsigned(cur, end) < 0) {
            Area a = areas.find(cur);
            if (a == null || !a.isRam()) {
                return cur;
            }
            cur = Long.compareUnsigned(end, a.end()) < 0 ? end : a.end();
        }
        return -1;
    }

    /** Throws a {@link GuestMemoryException} naming the first byte of the access that is not RAM. */
    private void checkRam(String op, long gpa, long length) {
        if (wraps(gpa, length)) {
            throw new GuestMemoryException(gpa, op + " of " + length + " bytes at GPA 0x" + Long.toHexString(gpa)
                    + " wraps past 2^64");
        }
        long bad = firstNonRam(gpa, length);
        if (bad != -1) {
            Area a = areas.find(bad);
            String why = a != null ? "device memory, not RAM"
                    : bad < base || bad >= limit ? "outside the address space [0x" + Long.toHexString(base) + ", 0x"
                            + Long.toHexString(limit) + ")"
                    : "not mapped";
            throw new GuestMemoryException(bad, op + " of " + length + " bytes at GPA 0x" + Long.toHexString(gpa)
                    + ": GPA 0x" + Long.toHexString(bad) + " is " + why);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("address space " + range(base, limit - base) + " is closed");
        }
    }

    private void checkRequest(String op, long gpa, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException(op + ": size " + size + " at GPA 0x" + Long.toHexString(gpa) + " is not positive");
        }
        if ((gpa & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException(op + ": GPA 0x" + Long.toHexString(gpa) + " is not 4 KiB aligned");
        }
        if ((size & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException(op + ": size 0x" + Long.toHexString(size) + " is not a multiple of 4 KiB");
        }
        if (Long.compareUnsigned(gpa + size, gpa) < 0) {
            throw new IllegalArgumentException(op + ": GPA 0x" + Long.toHexString(gpa) + " + size 0x"
                    + Long.toHexString(size) + " wraps past 2^64");
        }
        if (Long.compareUnsigned(gpa, base) < 0 || Long.compareUnsigned(gpa + size, limit) > 0) {
            throw new IllegalArgumentException(op + ": " + range(gpa, size) + " is outside the address space "
                    + range(base, limit - base));
        }
    }

    private void checkNoOverlap(String op, long gpa, long size) {
        Area other = areas.firstOverlapping(gpa, gpa + size);
        if (other != null) {
            throw new IllegalArgumentException(op + ": " + range(gpa, size) + " overlaps " + other);
        }
    }

    private static String range(long gpa, long size) {
        return "GPA [0x" + Long.toHexString(gpa) + ", 0x" + Long.toHexString(gpa + size) + ")";
    }

    @Override
    public String toString() {
        return "AddrSpace " + range(base, limit - base) + " " + format;
    }
}
