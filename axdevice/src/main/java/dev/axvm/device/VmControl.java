package dev.axvm.device;

/**
 * What a device may ask of its VM: the VM implements it and hands it to the devices that need it
 * (power-off and debug-exit ports, reset controls). Each call is a request recorded by the VM; it
 * takes effect once the current access returns (the VM stops or resets its vCPUs then), so the
 * device's access still completes normally. Called on a vCPU thread: implementations must not
 * block and should not throw.
 */
public interface VmControl {
    /** An orderly power-off, as ACPI's S5 or PSCI {@code SYSTEM_OFF}. */
    void powerOff();

    /** The guest ends the VM with exit status {@code code} (test guests report pass/fail so). */
    void exit(int code);

    /** A reset: the VM restarts from its initial state. */
    void reset();
}
