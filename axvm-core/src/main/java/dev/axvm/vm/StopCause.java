package dev.axvm.vm;

import java.util.Objects;

/**
 * Why a VM stopped, and the exit status a VMM reports for it.
 *
 * @param kind what happened
 * @param exitCode the status: 0 for an orderly power-off, the guest's value for a debug exit, 1 otherwise
 * @param detail one line for the user
 * @param error what was thrown on the way, for a crash that came from an exception (else null)
 */
public record StopCause(Kind kind, int exitCode, String detail, Throwable error) {
    /** What stopped the VM. */
    public enum Kind {
        /** The guest powered off (PSCI SYSTEM_OFF, SBI SRST, port 0x604, AxVM's platform call). */
        POWER_OFF,
        /** The guest wrote its exit status to the debug-exit device. */
        GUEST_EXIT,
        /** The guest asked for a reset and the host did not reboot it. */
        RESET,
        /**
         * The guest crashed (triple fault, entry failure, a KVM emulation error), or something on a
         * guest-driven path threw ({@link StopCause#error()} carries it).
         */
        CRASH,
        /** The guest touched an address no device owns and the config says {@code unhandled_access = "stop"}. */
        UNHANDLED_ACCESS,
        /**
         * The guest's kernel said it panicked, as the host saw it (a VMM that watches the guest's
         * console for Linux's panic line, as {@code axvisor run} does, stops the VM with it).
         */
        GUEST_PANIC,
        /** The host stopped it ({@link AxVM#shutdown()}). */
        HOST_REQUEST
    }

    /** Checks the parts. */
    public StopCause {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** A cause with no exception behind it. */
    public StopCause(Kind kind, int exitCode, String detail) {
        this(kind, exitCode, detail, null);
    }

    /** An orderly power-off. */
    public static StopCause powerOff(String detail) {
        return new StopCause(Kind.POWER_OFF, 0, detail);
    }

    /** A guest crash. */
    public static StopCause crash(String detail) {
        return new StopCause(Kind.CRASH, 1, detail);
    }

    /** A crash that {@code error} caused: the detail names it. */
    public static StopCause crash(String detail, Throwable error) {
        return new StopCause(Kind.CRASH, 1, detail + ": " + error, Objects.requireNonNull(error, "error"));
    }

    /** The guest's kernel panicked; {@code detail} says how the host knows. */
    public static StopCause guestPanic(String detail) {
        return new StopCause(Kind.GUEST_PANIC, 1, detail);
    }

    /** The host stopped the VM. */
    public static StopCause hostRequest(String detail) {
        return new StopCause(Kind.HOST_REQUEST, 0, detail);
    }
}
