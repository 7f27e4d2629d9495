package dev.axvm.axvisor.selftest;

/**
 * The codes a scenario guest stores on the test device's failure register when it finds something
 * wrong itself (the {@code FAIL_*} values of {@code native/guests/<arch>/scenario.h}).
 */
public enum GuestFailure {
    /** Execution went on after the power-off request. */
    PAST_POWER_OFF(1, "the guest ran on after its power-off request"),
    /** The second vCPU never signalled. */
    NO_SECONDARY(2, "the second vCPU never signalled the boot vCPU (bounded wait ran out)"),
    /** The interrupt was never taken. */
    NO_INTERRUPT(3, "the interrupt was never taken (bounded wait ran out)"),
    /** An exception or interrupt nobody expected. */
    EXCEPTION(4, "the guest took an unexpected exception or interrupt"),
    /** A hypercall came back with the wrong answer. */
    HYPERCALL_ANSWER(5, "a hypercall came back with a wrong answer"),
    /** Starting the second vCPU returned an error. */
    CPU_ON(6, "starting the second vCPU returned an error"),
    /** A vCPU ran on after turning itself off. */
    PAST_CPU_OFF(7, "a vCPU ran on after turning itself off"),
    /** FAIL_CHAOS_DATA: a scratch register read back something else than the vCPU had stored. */
    CHAOS_DATA(8, "a scratch register read back something else than was stored");

    private final int code;
    private final String meaning;

    GuestFailure(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The code the guest stores. */
    public int code() {
        return code;
    }

    /** What it means, for the scenario's detail line. */
    public String meaning() {
        return meaning;
    }

    /** What a stored {@code value} means; unknown values are named as such. */
    public static String describe(long value) {
        for (GuestFailure f : values()) {
            if (f.code == value) {
                return f.meaning + " (code " + value + ")";
            }
        }
        return "unknown failure code 0x" + Long.toHexString(value);
    }
}
