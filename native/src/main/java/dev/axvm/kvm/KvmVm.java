package dev.axvm.kvm;

import dev.axvm.kvm.internal.OwnedHandle;
import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A KVM virtual machine: its memory slots, its vCPUs and its interrupt lines. The VM owns the
 * vCPUs created from it: closing the VM closes every one still open. Its fd has one owner: an
 * interrupt line raised by a device thread while the VM closes is dropped (the VM is going away),
 * never sent to a released fd.
 */
public final class KvmVm implements AutoCloseable {
    /** KVM_MEM_READONLY: guest writes to the slot exit to user space as MMIO. */
    public static final int MEM_READONLY = 1 << 1;
    /** KVM_MEM_LOG_DIRTY_PAGES. */
    public static final int MEM_LOG_DIRTY_PAGES = 1;

    private static final long PAGE = 4096;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final int fd;
    private final int vcpuMmapSize;
    // The host memory behind each slot stays reachable while the guest can touch it.
    private final Map<Integer, MemorySegment> slots = new ConcurrentHashMap<>();
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private final Map<Long, Integer> slotByGpa = new java.util.HashMap<>();
    // Each mapped slot's flags, so that dirty logging can be switched without losing the others.
    private final Map<Integer, Integer> slotFlags = new java.util.HashMap<>();
    private int nextFreeSlot;
    private final OwnedHandle handle;

    KvmVm(int fd, int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
        this.handle = new OwnedHandle(() -> Shim.close(fd));
    }

    /**
     * The VM's file descriptor, for architecture bindings that issue their own VM ioctls through
     * the shim. The VM keeps ownership: never close it. Use it on the thread that builds the VM, or
     * between {@link #beginUse()} and {@link #endUse()} from any other thread.
     */
    public int fd() {
        if (handle.isClosing()) {
            throw new IllegalStateException("the KVM VM is closed");
        }
        return fd;
    }

    /**
     * Starts a use of {@link #fd()} from any thread: while it lasts, a close does not release the fd.
     *
     * @return the fd, or -1 when the VM is closing or closed (then do not touch it, and do not call
     *     {@link #endUse()})
     */
    public int beginUse() {
        return handle.enter() ? fd : -1;
    }

    /** Ends a use that {@link #beginUse()} began. */
    public void endUse() {
        handle.exit();
    }

    /** KVM_CHECK_EXTENSION on this VM (some answers differ per VM, e.g. vCPU limits on aarch64). */
    public int checkExtension(KvmCapability cap) {
        return Shim.check(Shim.checkCap(fd(), cap.shimId()), "KVM_CHECK_EXTENSION(" + cap + ")");
    }

    /**
     * KVM_SET_USER_MEMORY_REGION: makes {@code host} the guest's memory at {@code gpa}. The segment
     * must be native, page-aligned and a whole number of pages, and must stay allocated until the
     * slot is removed or the VM closed — the guest writes into it behind Java's back.
     */
    public void setUserMemoryRegion(int slot, long gpa, MemorySegment host, int flags) {
        if (!host.isNative()) {
            throw new IllegalArgumentException("slot " + slot + ": guest memory must be a native segment");
        }
        long size = host.byteSize();
        if (size == 0 || size % PAGE != 0 || host.address() % PAGE != 0 || gpa % PAGE != 0) {
            throw new IllegalArgumentException(String.format(
                    "slot %d: gpa 0x%x, host 0x%x and size 0x%x must all be multiples of 4 KiB (size > 0)",
                    slot, gpa, host.address(), size));
        }
        if (gpa + size < gpa) {
            throw new IllegalArgumentException(String.format("slot %d: gpa 0x%x + size 0x%x wraps", slot, gpa, size));
        }
        Shim.check(Shim.setMemory(fd(), slot, flags, gpa, size, host.address()),
                String.format("KVM_SET_USER_MEMORY_REGION(slot %d, gpa 0x%x, size 0x%x)", slot, gpa, size));
        slots.put(slot, host);
    }

    /**
     * Makes {@code host} the guest's memory at {@code gpa} in the next free slot (read-only slots
     * turn guest writes into MMIO exits). The same requirements as {@link #setUserMemoryRegion}.
     *
     * @throws IllegalArgumentException when memory is already mapped at {@code gpa}
     */
    public synchronized void mapMemory(long gpa, MemorySegment host, boolean readOnly) {
        if (slotByGpa.containsKey(gpa)) {
            throw new IllegalArgumentException(String.format("memory is already mapped at GPA 0x%x", gpa));
        }
        int slot = nextFreeSlot++;
        int flags = readOnly ? MEM_READONLY : 0;
        setUserMemoryRegion(slot, gpa, host, flags);
        slotByGpa.put(gpa, slot);
        slotFlags.put(slot, flags);
    }

    /**
     * Turns dirty-page logging on or off for the memory {@link #mapMemory} mapped at exactly
     * {@code gpa} (KVM_MEM_LOG_DIRTY_PAGES): from then on KVM notes every page the guest writes,
     * for {@link #dirtyPages}. Writes the host makes through its own mapping are not noted.
     *
     * @throws IllegalArgumentException when nothing is mapped there, or the memory is read-only
     *     (the guest never writes it)
     */
    public synchronized void logDirtyPages(long gpa, boolean on) {
        int slot = slotAt(gpa);
        int flags = slotFlags.get(slot);
        if ((flags & MEM_READONLY) != 0) {
            throw new IllegalArgumentException(String.format("the memory at GPA 0x%x is read-only: the guest never dirties it", gpa));
        }
        int wanted = on ? flags | MEM_LOG_DIRTY_PAGES : flags & ~MEM_LOG_DIRTY_PAGES;
        if (wanted != flags) {
            setUserMemoryRegion(slot, gpa, slots.get(slot), wanted);
            slotFlags.put(slot, wanted);
        }
    }

    /**
     * The pages of the memory mapped at {@code gpa} that the guest wrote since logging began or
     * since the last call (KVM_GET_DIRTY_LOG, which clears the log): bit {@code i % 64} of word
     * {@code i / 64} is page {@code i} of the region. Also pages the guest only read: KVM maps a
     * page writable on the guest's first touch since the last read, and logs it then.
     *
     * @throws IllegalStateException when logging is off for that memory
     * @throws IllegalArgumentException when nothing is mapped there
     */
    public synchronized long[] dirtyPages(long gpa) {
        int slot = slotAt(gpa);
        if ((slotFlags.get(slot) & MEM_LOG_DIRTY_PAGES) == 0) {
            throw new IllegalStateException(String.format("dirty-page logging is off for the memory at GPA 0x%x", gpa));
        }
        long pages = slots.get(slot).byteSize() / PAGE;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bitmap = a.allocate((pages + 63) / 64 * 8, 8);
            Shim.check(Shim.dirtyLog(fd(), slot, bitmap), String.format("KVM_GET_DIRTY_LOG(slot %d, gpa 0x%x)", slot, gpa));
            return bitmap.toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
        }
    }

    private int slotAt(long gpa) {
        Integer slot = slotByGpa.get(gpa);
        if (slot == null) {
            throw new IllegalArgumentException(String.format("no memory is mapped at GPA 0x%x", gpa));
        }
        return slot;
    }

    /**
     * Removes the memory {@link #mapMemory} mapped at exactly {@code gpa}.
     *
     * @throws IllegalArgumentException when nothing is mapped there
     */
    public synchronized void unmapMemory(long gpa) {
        int slot = slotAt(gpa);
        removeMemoryRegion(slot);
        slotByGpa.remove(gpa);
        slotFlags.remove(slot);
    }

    /** Removes a memory slot (KVM_SET_USER_MEMORY_REGION with size 0). */
    public void removeMemoryRegion(int slot) {
        MemorySegment host = slots.get(slot);
        if (host == null) {
            throw new IllegalArgumentException("slot " + slot + " is not in use");
        }
        Shim.check(Shim.setMemory(fd(), slot, 0, 0, 0, 0), "KVM_SET_USER_MEMORY_REGION(remove slot " + slot + ")");
        slots.remove(slot);
    }

    /** KVM_CREATE_VCPU. */
    public KvmVcpu createVcpu(int id) {
        int vcpuFd = Shim.check(Shim.createVcpu(fd(), id), "KVM_CREATE_VCPU(" + id + ")");
        KvmVcpu vcpu;
        try {
            vcpu = new KvmVcpu(id, vcpuFd, vcpuMmapSize);
        } catch (RuntimeException e) {
            Shim.close(vcpuFd);
            throw e;
        }
        synchronized (vcpus) {
            vcpus.add(vcpu);
        }
        return vcpu;
    }

    /**
     * KVM_IRQ_LINE: drives interrupt line {@code irq} of the in-kernel irqchip high or low. Any thread.
     *
     * @return false when the VM is closing or closed and the change was dropped
     */
    public boolean irqLine(int irq, boolean high) {
        if (!handle.enter()) {
            return false;
        }
        try {
            int rc = Shim.irqLine(fd, irq, high ? 1 : 0);
            if (rc < 0) {
                throw new KvmException("KVM_IRQ_LINE(" + irq + ")", -rc); // message built only on failure: devices raise lines often
            }
            return true;
        } finally {
            handle.exit();
        }
    }

    /**
     * KVM_IOEVENTFD: from now on a guest write of {@code length} bytes (1, 2, 4 or 8) at guest-physical
     * {@code gpa} signals {@code event} inside KVM, whatever the value, instead of exiting to
     * user space. The registration ends with {@link #removeIoEventFd} or with the VM.
     *
     * @throws KvmException when KVM refuses (no ioeventfd support, a registration already there)
     */
    public void addIoEventFd(long gpa, int length, EventFd event) {
        ioEventFd(gpa, length, event, false);
    }

    /** Ends an {@link #addIoEventFd} registration; nothing when the VM is closing (it goes with it). */
    public void removeIoEventFd(long gpa, int length, EventFd event) {
        ioEventFd(gpa, length, event, true);
    }

    private void ioEventFd(long gpa, int length, EventFd event, boolean remove) {
        if (!handle.enter()) {
            if (remove) {
                return;
            }
            throw new KvmException("KVM_IOEVENTFD", "the VM is closed");
        }
        try {
            int rc = Shim.ioEventFd(fd, gpa, length, event.fd(), remove);
            if (rc < 0) {
                throw new KvmException("KVM_IOEVENTFD(" + (remove ? "remove " : "") + "0x" + Long.toHexString(gpa) + ", "
                        + length + " bytes)", -rc);
            }
        } finally {
            handle.exit();
        }
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosed() {
        return handle.isClosing();
    }

    /** Whether the VM's fd has been released. */
    public boolean isReleased() {
        return handle.isReleased();
    }

    /**
     * Closes every vCPU still open, then the VM: new uses are refused, uses in progress (short
     * ioctls from other threads) end first. Every step runs even when one fails; the failures are
     * thrown once, at the end, as one exception with the others suppressed. Idempotent.
     */
    @Override
    public void close() {
        if (handle.isClosing()) {
            return;
        }
        RuntimeException failure = null;
        synchronized (vcpus) {
            for (KvmVcpu vcpu : vcpus) {
                try {
                    vcpu.close();
                } catch (RuntimeException e) {
                    failure = chain(failure, e);
                }
            }
            vcpus.clear();
        }
        slots.clear();
        handle.closeAndAwait(CLOSE_WAIT_NANOS, CLOSE_WAIT_NANOS, () -> { });
        if (handle.releaseFailure() != null) {
            failure = chain(failure, handle.releaseFailure());
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException chain(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
