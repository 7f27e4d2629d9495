package dev.axvm.axvisor.selftest;

import dev.axvm.addrspace.AccessWidth;

/**
 * One guest access to the {@link ScenarioDevice}, as the device recorded it.
 *
 * @param kind what the access was
 * @param vcpu the vCPU that made it
 * @param offset the offset from the device's base
 * @param width the access width
 * @param value the value written, or the value a read returned
 */
public record DeviceEvent(Kind kind, int vcpu, long offset, AccessWidth width, long value) {
    /** What an access was. */
    public enum Kind {
        /** A load from the scratch registers. */
        DATA_READ,
        /** A store to the scratch registers. */
        DATA_WRITE,
        /** A store to the report register: a value the host checks. */
        REPORT,
        /** A store to the raise register: the line went (or stayed) high. */
        RAISE,
        /** A store to the acknowledge register: the line went (or stayed) low. */
        ACK,
        /** A store to the failure register: the guest found something wrong ({@link GuestFailure}). */
        FAIL,
        /** Any other access inside the device's page: a guest bug the scenario reports. */
        STRAY
    }

    @Override
    public String toString() {
        return String.format("%s by vCPU %d at +0x%x (%d B) = 0x%x", kind, vcpu, offset, width.size(), value);
    }
}
