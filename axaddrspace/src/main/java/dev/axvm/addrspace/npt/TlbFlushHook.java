package dev.axvm.addrspace.npt;

/**
 * Called after a nested page table removed or weakened mappings, with the guest-physical range
 * that changed, so that a backend which loads the table into hardware can invalidate cached
 * translations (INVEPT, TLBI IPAS2E1IS, HFENCE.GVMA). On KVM the kernel owns the hardware's
 * tables and its TLBs, so the hook does nothing there; it is part of the API so that a bare-metal
 * backend needs no other change.
 */
@FunctionalInterface
public interface TlbFlushHook {
    /** The hook that does nothing. */
    TlbFlushHook NONE = (gpa, size) -> { };

    /**
     * Translations of {@code [gpa, gpa + size)} may be stale.
     *
     * @param gpa the first guest-physical address whose mapping changed
     * @param size bytes
     */
    void flush(long gpa, long size);
}
