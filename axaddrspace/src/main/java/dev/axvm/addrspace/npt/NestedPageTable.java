package dev.axvm.addrspace.npt;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.addrspace.internal.RadixPageTable;
import java.util.List;
import java.util.Optional;

/**
 * A second-stage (guest-physical to host-physical) page table in one of the hardware formats of
 * {@link PageTableFormat}, built from frames of a {@link PagingHandler}, with every entry encoded
 * exactly as the architecture manual defines it: the table in host memory is what a bare-metal
 * backend would load into EPTP, VTTBR_EL2 or hgatp.
 *
 * <p>Under KVM the kernel builds the hardware's own nested tables from the VM's memory slots, so
 * these tables are not walked by the CPU; they remain the exact encoding and the model of record
 * that the slots and device-emulation translation are checked against.
 *
 * <p>Ranges are 4 KiB aligned. {@link #map} chooses 2 MiB and 1 GiB entries wherever the
 * guest- and host-physical addresses are both aligned to that size, enough of the range remains,
 * and the caller's {@code maxPageSize} allows; {@link #unmap} and {@link #protect} split a block
 * that the range covers only in part, and unmap frees every table that becomes empty (the root
 * stays until {@link #close()}). Operations are all-or-nothing: a failure (bad argument, no frame
 * for a table) leaves the translation of every address as it was.
 *
 * <p>Entries are rewritten in place: a split writes the new table completely, then swaps it for
 * the block entry (same translations, so no flush); unmap and protect call the
 * {@link TlbFlushHook} once, after the change. That is what a table nobody walks needs; a
 * bare-metal AArch64 backend without FEAT_BBM would have to add break-before-make around splits
 * and permission changes of live entries.
 *
 * <p>Not thread-safe: callers serialize (as {@link dev.axvm.addrspace.AddrSpace} does).
 */
public interface NestedPageTable extends AutoCloseable {
    /** What {@link #translate(long)} returns for an unmapped address; no format can hold it as an address. */
    long UNMAPPED = -1L;

    /** An empty table of {@code format} whose frames come from {@code handler}, with no TLB flushing. */
    static NestedPageTable create(PageTableFormat format, PagingHandler handler) {
        return create(format, handler, TlbFlushHook.NONE);
    }

    /**
     * An empty table of {@code format} whose frames come from {@code handler}; {@code flushHook}
     * hears of every range whose mappings were removed or changed.
     *
     * @throws dev.axvm.addrspace.FrameAllocationException when the root frames cannot be allocated
     */
    static NestedPageTable create(PageTableFormat format, PagingHandler handler, TlbFlushHook flushHook) {
        return new RadixPageTable(format, handler, flushHook);
    }

    /** The format. */
    PageTableFormat format();

    /** The host-physical address of the root table. */
    HostPhysAddr rootAddress();

    /**
     * The root as the hardware's register wants it: the EPTP (write-back, 4-level walk), the
     * VTTBR_EL2 value (VMID 0) or the hgatp value (mode Sv39x4/Sv48x4, VMID 0).
     */
    long rootRegister();

    /**
     * Maps {@code [gpa, gpa + size)} to {@code [hpa, hpa + size)} with {@code flags}, using entries
     * no larger than {@code maxPageSize}.
     *
     * @throws IllegalArgumentException when an address or size is misaligned, negative or out of
     *     the format's range, the flags cannot be encoded (see {@link PageTableFormat#encodedFlags}),
     *     or some page of the range is already mapped
     * @throws dev.axvm.addrspace.FrameAllocationException when a table frame cannot be allocated
     */
    void map(long gpa, long hpa, long size, MappingFlags flags, PageSize maxPageSize);

    /** {@link #map(long, long, long, MappingFlags, PageSize)} with typed addresses. */
    default void map(GuestPhysAddr gpa, HostPhysAddr hpa, long size, MappingFlags flags, PageSize maxPageSize) {
        map(gpa.value(), hpa.value(), size, flags, maxPageSize);
    }

    /**
     * Removes every mapping inside {@code [gpa, gpa + size)}; unmapped holes are skipped. A block
     * that straddles an end of the range is first split so that its outside part stays mapped.
     *
     * @return whether anything was mapped in the range
     * @throws IllegalArgumentException for a misaligned, negative or out-of-range request
     * @throws dev.axvm.addrspace.FrameAllocationException when a block must be split and no frame is left
     */
    boolean unmap(long gpa, long size);

    /**
     * Gives every mapped page of {@code [gpa, gpa + size)} the permissions and memory type of
     * {@code flags}, splitting blocks that straddle an end of the range; holes are skipped.
     *
     * @return whether anything was mapped in the range
     * @throws IllegalArgumentException for a misaligned, negative or out-of-range request or flags
     *     the format cannot encode
     * @throws dev.axvm.addrspace.FrameAllocationException when a block must be split and no frame is left
     */
    boolean protect(long gpa, long size, MappingFlags flags);

    /**
     * The host-physical address {@code gpa} maps to, or {@link #UNMAPPED}. Allocation-free; any
     * {@code gpa} (negative or beyond the format's range included) is accepted.
     */
    long translate(long gpa);

    /** The host-physical address of {@code gpa}, if mapped. */
    default Optional<HostPhysAddr> translate(GuestPhysAddr gpa) {
        long hpa = translate(gpa.value());
        return hpa == UNMAPPED ? Optional.empty() : Optional.of(HostPhysAddr.of(hpa));
    }

    /** The leaf entry that maps {@code gpa}, decoded; empty when unmapped or out of range. */
    Optional<PageMapping> query(long gpa);

    /**
     * Every leaf entry that maps some byte of {@code [gpa, gpa + size)}, decoded, in address order;
     * a block that reaches outside the range is reported whole.
     *
     * @throws IllegalArgumentException for a misaligned, negative or out-of-range request
     */
    List<PageMapping> query(long gpa, long size);

    /** Frames currently used by tables, the root's included. */
    int tableFrames();

    /** Frees every table frame (not the frames mappings point to, which the caller owns). Idempotent. */
    @Override
    void close();
}
