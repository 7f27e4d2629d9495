package dev.axvm.kvm;

import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A KVM virtual machine: its memory slots, its vCPUs and its interrupt lines. The VM owns the
 * vCPUs created from it: closing the VM closes every one still open.
 */
public final class KvmVm implements AutoCloseable {
    /** KVM_MEM_READONLY: guest writes to the slot exit to user space as MMIO. */
    public static final int MEM_READONLY = 1 << 1;
    /** KVM_MEM_LOG_DIRTY_PAGES. */
    public static final int MEM_LOG_DIRTY_PAGES = 1;

    private static final long PAGE = 4096;

    private final int fd;
    private final int vcpuMmapSize;
    // The host memory behind each slot stays reachable while the guest can touch it.
    private final Map<Integer, MemorySegment> slots = new ConcurrentHashMap<>();
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private final Map<Long, Integer> slotByGpa = new java.util.HashMap<>();
    private int nextFreeSlot;
    private final AtomicBoolean closed = new AtomicBoolean();

    KvmVm(int fd, int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * The VM's file descriptor, for architecture bindings that issue their own VM ioctls through
     * the shim. The VM keeps ownership: never close it.
     */
    public int fd() {
        if (closed.get()) {
            throw new IllegalStateException("the KVM VM is closed");
        }
        return fd;
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
        setUserMemoryRegion(slot, gpa, host, readOnly ? MEM_READONLY : 0);
        slotByGpa.put(gpa, slot);
    }

    /**
     * Removes the memory {@link #mapMemory} mapped at exactly {@code gpa}.
     *
     * @throws IllegalArgumentException when nothing is mapped there
     */
    public synchronized void unmapMemory(long gpa) {
        Integer slot = slotByGpa.remove(gpa);
        if (slot == null) {
            throw new IllegalArgumentException(String.format("no memory is mapped at GPA 0x%x", gpa));
        }
        removeMemoryRegion(slot);
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

    /** KVM_IRQ_LINE: drives interrupt line {@code irq} of the in-kernel irqchip high or low. */
    public void irqLine(int irq, boolean high) {
        int rc = Shim.irqLine(fd(), irq, high ? 1 : 0);
        if (rc < 0) {
            throw new KvmException("KVM_IRQ_LINE(" + irq + ")", -rc); // message built only on failure: devices raise lines often
        }
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (vcpus) {
            for (KvmVcpu vcpu : vcpus) {
                vcpu.close();
            }
            vcpus.clear();
        }
        slots.clear();
        Shim.close(fd);
    }
}
