package dev.axvm.vm;

/** How a VM restored from a snapshot gets its memory back ({@link AxVMBuilder#restoreFrom(java.nio.file.Path, RestoreMemory)}). */
public enum RestoreMemory {
    /**
     * The snapshot's memory sections mapped copy-on-write where the HAL can
     * ({@link AxVMHal#mapGuestRamFromFile}): a restore costs page-table work, the guest's pages
     * come from the file as it touches them, and the file must stay as it is while the VM runs.
     * Their checksums are not read (that would read every page). Where the HAL cannot map, a copy.
     */
    LAZY,
    /** The snapshot's memory copied into fresh RAM and checked against its checksums: the file is free afterwards. */
    COPY
}
