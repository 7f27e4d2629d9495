package dev.axvm.config;

import java.util.Objects;

/**
 * A region of guest memory: {@code [gpa, size, flags, map_type]} in {@code [kernel] memory_regions}.
 * Addresses and sizes are unsigned 64-bit values.
 *
 * @param gpa the first guest-physical address
 * @param size the length in bytes
 * @param flags mapping-flag bits with AxVisor's values ({@link #READ} … {@link #UNCACHED}); the VM
 *     turns them into {@code dev.axvm.addrspace.MappingFlags}
 * @param mapType how the region is backed
 */
public record MemoryRegion(long gpa, long size, int flags, MapType mapType) {
    /** Readable. */
    public static final int READ = 1;
    /** Writable. */
    public static final int WRITE = 1 << 1;
    /** Executable. */
    public static final int EXECUTE = 1 << 2;
    /** Accessible from the guest's user mode. */
    public static final int USER = 1 << 3;
    /** Device memory. */
    public static final int DEVICE = 1 << 4;
    /** Uncached normal memory. */
    public static final int UNCACHED = 1 << 5;
    /** Every bit AxVisor defines. */
    public static final int ALL_FLAGS = READ | WRITE | EXECUTE | USER | DEVICE | UNCACHED;
    /** Read, write and execute: ordinary guest RAM ({@code 0x7}). */
    public static final int RWX = READ | WRITE | EXECUTE;

    /** Checks that the map type is there. */
    public MemoryRegion {
        Objects.requireNonNull(mapType, "mapType");
    }

    /** The last address in the region (unsigned; the region must not be empty). */
    public long lastAddress() {
        return gpa + size - 1;
    }

    /** Whether {@code addr} (unsigned) lies in the region. */
    public boolean contains(long addr) {
        return size != 0 && Long.compareUnsigned(addr, gpa) >= 0 && Long.compareUnsigned(addr, lastAddress()) <= 0;
    }

    /** Whether {@link #READ} is set. */
    public boolean readable() {
        return (flags & READ) != 0;
    }

    /** Whether {@link #WRITE} is set. */
    public boolean writable() {
        return (flags & WRITE) != 0;
    }

    /** Whether {@link #EXECUTE} is set. */
    public boolean executable() {
        return (flags & EXECUTE) != 0;
    }

    /** Whether {@link #USER} is set. */
    public boolean user() {
        return (flags & USER) != 0;
    }

    /** Whether {@link #DEVICE} is set. */
    public boolean device() {
        return (flags & DEVICE) != 0;
    }

    /** Whether {@link #UNCACHED} is set. */
    public boolean uncached() {
        return (flags & UNCACHED) != 0;
    }
}
