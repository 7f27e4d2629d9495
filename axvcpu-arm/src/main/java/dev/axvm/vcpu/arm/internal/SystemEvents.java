package dev.axvm.vcpu.arm.internal;

import dev.axvm.vcpu.ExitReason.SystemDown;

/** KVM_EXIT_SYSTEM_EVENT types (PSCI SYSTEM_OFF/SYSTEM_RESET, crashes) as AxVisor's SystemDown reasons. */
public final class SystemEvents {
    /** KVM_SYSTEM_EVENT_SHUTDOWN. */
    public static final long SHUTDOWN = 1;
    /** KVM_SYSTEM_EVENT_RESET. */
    public static final long RESET = 2;
    /** KVM_SYSTEM_EVENT_CRASH. */
    public static final long CRASH = 3;

    private static final SystemDown POWER_OFF_EXIT = new SystemDown(SystemDown.Reason.POWER_OFF);
    private static final SystemDown RESET_EXIT = new SystemDown(SystemDown.Reason.RESET);
    private static final SystemDown CRASH_EXIT = new SystemDown(SystemDown.Reason.CRASH);

    private SystemEvents() {}

    /** The exit for event {@code type}, or null for a type that does not take the system down. */
    public static SystemDown of(long type) {
        if (type == SHUTDOWN) {
            return POWER_OFF_EXIT;
        }
        if (type == RESET) {
            return RESET_EXIT;
        }
        if (type == CRASH) {
            return CRASH_EXIT;
        }
        return null;
    }
}
