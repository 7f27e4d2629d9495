package dev.axvm.vm;

import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.HostVirtAddr;
import dev.axvm.addrspace.PagingHandler;
import java.nio.file.Path;

/**
 * Every host service a VM needs (AxVisor's {@code AxVMHal}), injected: frames for nested page
 * tables, contiguous blocks of guest RAM, address translation, time, identities, and the host's
 * part of interrupt delivery. Nothing in axvm-core reaches the host another way.
 *
 * @param <P> the host's frame service
 */
public interface AxVMHal<P extends PagingHandler> {
    /** The host's frame service (nested page tables). */
    P pagingHandler();

    /**
     * A contiguous, page-aligned block of {@code size} bytes of zeroed memory for guest RAM, which
     * {@link #pagingHandler()} exposes ({@code physToSegment} maps its addresses): the address
     * space maps guest RAM to it linearly. The VM keeps it until {@link #freeGuestRam}.
     *
     * @throws dev.axvm.addrspace.FrameAllocationException when the host cannot provide it
     */
    GuestRamBlock allocGuestRam(long size);

    /** Returns a block from {@link #allocGuestRam}. */
    void freeGuestRam(GuestRamBlock block);

    /**
     * Makes {@code block} (from {@link #allocGuestRam}) show {@code file}'s bytes from {@code offset}
     * (page-aligned) on, copy-on-write: the guest's pages come from the file as they are first
     * touched, and its writes stay with the block (MAP_PRIVATE). This is how a VM restores its
     * memory from a snapshot lazily; {@link #freeGuestRam} must still return the block, as zeroed
     * memory, afterwards. The file must keep its bytes while the block maps them.
     *
     * @return false when this host cannot map files into guest RAM (the default): the VM then copies
     *     the bytes in
     */
    default boolean mapGuestRamFromFile(GuestRamBlock block, Path file, long offset) {
        return false;
    }

    /** The host-physical address of a host-virtual one (equal for a user-space host). */
    HostPhysAddr virtToPhys(HostVirtAddr vaddr);

    /** The host-virtual address of a host-physical one (equal for a user-space host). */
    HostVirtAddr physToVirt(HostPhysAddr paddr);

    /** Monotonic time in nanoseconds. */
    long monotonicNanos();

    /** The VM whose vCPU the calling thread runs, or -1. */
    int currentVmId();

    /** The vCPU the calling thread runs, or -1. */
    int currentVcpuId();

    /** The host CPU the calling thread runs on, or -1 when the host cannot tell. */
    int currentHostCpu();

    /** The host CPU where a vCPU last ran, or -1. */
    int vcpuResidesOn(int vmId, int vcpuId);

    /**
     * The host's part of delivering interrupt {@code vector} to a vCPU (AxVisor's
     * {@code inject_irq_to_vcpu}). The default delivers in-process: the vector goes to the vCPU
     * (queued until the guest can take it) and its thread wakes if it waits for an interrupt. A host
     * may override it to route or record deliveries, and must then call
     * {@link AxVM#deliverInterrupt} itself.
     */
    default void injectIrqToVcpu(AxVM<?, ?> vm, int vcpuId, int vector) {
        vm.deliverInterrupt(vcpuId, vector);
    }

    /** Called by a vCPU thread when it starts or stops serving a vCPU, so the host can answer the current-id queries. */
    default void vcpuThreadBound(int vmId, int vcpuId, boolean bound) {
        // Hosts that do not track current ids need nothing here.
    }
}
