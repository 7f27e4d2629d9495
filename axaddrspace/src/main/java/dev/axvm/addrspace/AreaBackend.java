package dev.axvm.addrspace;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/** What backs a {@link MemoryArea}, as AxVisor's {@code Backend}: one contiguous host block, or frames allocated per page. */
public sealed interface AreaBackend {
    /**
     * The area maps one contiguous block of host memory that the caller owns (guest RAM blocks,
     * device memory): {@link AddrSpace#mapLinear}.
     *
     * @param hostStart the host-physical address the area's first byte maps to
     * @param hostMemory the block as the paging handler exposes it (for KVM memory slots, image
     *     loading, DMA); empty for DEVICE areas, which the host does not access as memory
     */
    record Linear(HostPhysAddr hostStart, Optional<MemorySegment> hostMemory) implements AreaBackend {}

    /**
     * The area's pages are frames the address space allocated from its paging handler and frees
     * on unmap and close: {@link AddrSpace#mapAlloc}.
     *
     * @param populate whether every frame was allocated up front; otherwise each is allocated on
     *     the first guest fault or host access of its page
     */
    record Alloc(boolean populate) implements AreaBackend {}
}
