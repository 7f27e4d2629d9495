package dev.axvm.device;

/** How the registry handled one guest access; see {@link AccessOutcome} for the details. */
public enum AccessStatus {
    /** A device served it; a read's value is in {@link AccessOutcome#value()}. */
    COMPLETED,
    /**
     * No device owns the address. The VM decides: log and ignore (a read returns all ones, as an
     * unclaimed bus does) or stop the VM.
     */
    UNMAPPED,
    /**
     * A device owns the address but the access failed: the device refused it or threw, or the
     * access runs past the device's end. {@link AccessOutcome#failure()} says why.
     */
    FAILED
}
