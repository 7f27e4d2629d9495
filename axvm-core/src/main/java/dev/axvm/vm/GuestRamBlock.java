package dev.axvm.vm;

import dev.axvm.addrspace.HostPhysAddr;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A contiguous block of host memory that backs guest RAM.
 *
 * @param hpa the block's host-physical address (what the nested page table maps to)
 * @param memory the block as the library may touch it; page-aligned
 */
public record GuestRamBlock(HostPhysAddr hpa, MemorySegment memory) {
    /** Checks the parts. */
    public GuestRamBlock {
        Objects.requireNonNull(hpa, "hpa");
        Objects.requireNonNull(memory, "memory");
    }

    /** Bytes in the block. */
    public long size() {
        return memory.byteSize();
    }
}
