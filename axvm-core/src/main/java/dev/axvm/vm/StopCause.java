package dev.axvm.vm;

import java.util.Objects;

/**
 * Why a VM stopped, and the exit status a VMM reports for it.
 *
 * @param kind what happened
 * @param exitCode the status: 0 for an orderly power-off, the guest's value for a debug exit, 1 otherwise
 * @param detail one line for the user
 */
public record StopCause(Kind kind, int exitCode, String detail) {
    /** What stopped the VM. */
    public enum Kind {
        /** The guest powered off (PSCI SYSTEM_OFF, SBI SRST, port 0x604, AxVM's platform call). */
        POWER_OFF,
        /** The guest wrote its exit status to the debug-exit device. */
        GUEST_EXIT,
        /** The guest asked for a reset and the host did not reboot it. */
        RESET,
        /** The guest crashed (triple fault, entry failure, a KVM emulation error). */
        CRASH,
        /** The guest touched an address no device owns and the config says {@code unhandled_access = "stop"}. */
        UNHANDLED_ACCESS,
        /** The host stopped it ({@link AxVM#shutdown()}). */
        HOST_REQUEST
    }

    /** Checks the parts. */
    public StopCause {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** An orderly power-off. */
    public static StopCause powerOff(String detail) {
        return new StopCause(Kind.POWER_OFF, 0, detail);
    }

    /** A guest crash. */
    public static StopCause crash(String detail) {
        return new StopCause(Kind.CRASH, 1, detail);
    }
}
