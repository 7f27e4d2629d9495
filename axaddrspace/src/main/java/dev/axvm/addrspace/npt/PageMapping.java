package dev.axvm.addrspace.npt;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;

/**
 * One leaf entry of a nested page table, decoded: the page or block that contains a queried
 * address.
 *
 * @param gpa the first guest-physical address the entry maps (aligned to {@code size})
 * @param hpa the host-physical address {@code gpa} maps to
 * @param size the page or block size
 * @param flags the permissions and memory type as decoded from the entry's bits (see
 *     {@link PageTableFormat#encodedFlags})
 */
public record PageMapping(GuestPhysAddr gpa, HostPhysAddr hpa, PageSize size, MappingFlags flags) {
    /** The host-physical address of {@code address}, which must lie inside this mapping. */
    public long translate(long address) {
        long offset = address - gpa.value();
        if (offset < 0 || offset >= size.bytes()) {
            throw new IllegalArgumentException("GPA 0x" + Long.toHexString(address) + " is outside " + this);
        }
        return hpa.value() + offset;
    }
}
