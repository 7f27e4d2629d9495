package dev.axvm.kvm;

/** What a {@link KvmExitKind#SYSTEM_EVENT} exit means (the shim's classification of KVM's event types). */
public enum KvmSystemEvent {
    /** An event that does not end the system (wake-up, suspend): the vCPU may go on. */
    OTHER,
    /** The guest powers off: PSCI SYSTEM_OFF, SBI SRST shutdown. */
    SHUTDOWN,
    /** The guest resets: PSCI SYSTEM_RESET, SBI SRST reboot. */
    RESET,
    /** The guest reports a crash. */
    CRASH;

    private static final KvmSystemEvent[] ALL = values();

    static KvmSystemEvent of(long code) {
        return code > 0 && code < ALL.length ? ALL[(int) code] : OTHER;
    }
}
