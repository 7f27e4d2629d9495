package dev.axvm.axvisor.host;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.HostVirtAddr;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.kvm.AnonymousMemory;
import dev.axvm.kvm.HostThread;
import dev.axvm.vm.AxVMHal;
import dev.axvm.vm.GuestRamBlock;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HAL of a user-space Linux host. Guest RAM and page-table frames come from one large anonymous
 * mapping reserved without commitment ({@code MAP_NORESERVE}): a frame costs host memory only once
 * something touches it, and freed frames are given back with {@code madvise(MADV_DONTNEED)}, so
 * closing a VM returns its RAM to the host. Host-physical addresses equal host-virtual ones, as for
 * any user-space host. Clocks come from {@link System#nanoTime()}.
 */
public final class LinuxHostHal implements AxVMHal<ArenaPagingHandler>, AutoCloseable {
    /** The default reservation: room for 64 GiB of guest RAM and page tables, costing nothing until used. */
    public static final long DEFAULT_RESERVATION = 64L << 30;
    private static final long TWO_MIB = 1L << 21;

    private record VcpuRef(int vmId, int vcpuId) {}

    private final AnonymousMemory memory;
    private final ArenaPagingHandler frames;
    private final ThreadLocal<VcpuRef> current = new ThreadLocal<>();
    private final Map<VcpuRef, Integer> lastCpu = new ConcurrentHashMap<>();
    // Blocks (by address) that map a snapshot file instead of anonymous memory.
    private final Set<Long> fileBacked = ConcurrentHashMap.newKeySet();

    /** A HAL with the {@link #DEFAULT_RESERVATION}. */
    public LinuxHostHal() {
        this(DEFAULT_RESERVATION);
    }

    /** A HAL whose guests may use at most {@code reservation} bytes in all (a multiple of 2 MiB). */
    public LinuxHostHal(long reservation) {
        if (reservation <= 0 || reservation % TWO_MIB != 0) {
            throw new IllegalArgumentException("reservation of " + reservation + " bytes (expected a positive multiple of 2 MiB)");
        }
        this.memory = AnonymousMemory.map(reservation);
        this.frames = ArenaPagingHandler.over(memory.segment(), memory::discard);
    }

    @Override
    public ArenaPagingHandler pagingHandler() {
        return frames;
    }

    @Override
    public GuestRamBlock allocGuestRam(long size) {
        if (size <= 0 || size % PagingHandler.FRAME_SIZE != 0 || size / PagingHandler.FRAME_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("guest RAM of " + size + " bytes (expected whole 4 KiB pages)");
        }
        // 2 MiB alignment lets the kernel back the block with huge pages and the page table use blocks.
        int align = size >= TWO_MIB ? (int) (TWO_MIB / PagingHandler.FRAME_SIZE) : 1;
        HostPhysAddr hpa = frames.allocFrames((int) (size / PagingHandler.FRAME_SIZE), align);
        return new GuestRamBlock(hpa, frames.physToSegment(hpa, size));
    }

    @Override
    public void freeGuestRam(GuestRamBlock block) {
        if (fileBacked.remove(block.hpa().value())) {
            memory.remapAnonymous(block.memory()); // freed frames must read as zero, not as the file
        }
        frames.freeFrames(block.hpa(), (int) (block.size() / PagingHandler.FRAME_SIZE));
    }

    /** Maps the file over the block's pages, MAP_PRIVATE: a lazy restore costs page faults, not a copy. */
    @Override
    public boolean mapGuestRamFromFile(GuestRamBlock block, Path file, long offset) {
        memory.mapFile(block.memory(), file, offset);
        fileBacked.add(block.hpa().value());
        return true;
    }

    @Override
    public HostPhysAddr virtToPhys(HostVirtAddr vaddr) {
        return HostPhysAddr.of(vaddr.value());
    }

    @Override
    public HostVirtAddr physToVirt(HostPhysAddr paddr) {
        return HostVirtAddr.of(paddr.value());
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public int currentVmId() {
        VcpuRef ref = current.get();
        return ref == null ? -1 : ref.vmId();
    }

    @Override
    public int currentVcpuId() {
        VcpuRef ref = current.get();
        return ref == null ? -1 : ref.vcpuId();
    }

    @Override
    public int currentHostCpu() {
        return HostThread.currentCpu();
    }

    @Override
    public int vcpuResidesOn(int vmId, int vcpuId) {
        return lastCpu.getOrDefault(new VcpuRef(vmId, vcpuId), -1);
    }

    @Override
    public void vcpuThreadBound(int vmId, int vcpuId, boolean bound) {
        VcpuRef ref = new VcpuRef(vmId, vcpuId);
        if (bound) {
            current.set(ref);
            lastCpu.put(ref, HostThread.currentCpu());
        } else {
            current.remove();
        }
    }

    /** Frames (RAM and page tables) handed out and not yet freed. */
    public int liveFrames() {
        return frames.liveFrames();
    }

    /** Releases the reservation; every VM on this HAL must be closed first. */
    @Override
    public void close() {
        if (frames.liveFrames() != 0) {
            throw new IllegalStateException(frames.liveFrames() + " frames are still in use: close every VM first");
        }
        frames.close();
        memory.close();
    }
}
