package dev.axvm.addrspace;

/**
 * One area of an {@link AddrSpace}, as {@link AddrSpace#areas()} reports it: a snapshot, not a
 * live view. Areas never overlap; unmap and protect of part of an area split it.
 *
 * @param start the first guest-physical address (4 KiB aligned)
 * @param size bytes (a multiple of 4 KiB)
 * @param flags the flags the area was mapped or last protected with, as given
 * @param backend what backs it
 */
public record MemoryArea(GuestPhysAddr start, long size, MappingFlags flags, AreaBackend backend) {
    /** One past the last guest-physical address. */
    public long end() {
        return start.value() + size;
    }

    /** Whether the host may access the area as RAM through {@link GuestMemory} (every area but DEVICE ones). */
    public boolean isRam() {
        return !flags.has(MappingFlags.DEVICE_BIT);
    }
}
