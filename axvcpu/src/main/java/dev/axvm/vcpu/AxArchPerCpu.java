package dev.axvm.vcpu;

/**
 * Per-host-CPU virtualization state of one architecture (AxVisor's {@code AxArchPerCpu}). On
 * bare metal this turns VMX/SVM/EL2/H on; on KVM it opens the device and checks the API and the
 * capabilities the backend needs.
 */
public interface AxArchPerCpu extends AutoCloseable {
    /**
     * Makes hardware virtualization usable on this CPU.
     *
     * @throws dev.axvm.vcpu.HardwareUnsupportedException naming what is missing
     */
    void hardwareEnable();

    /** Releases what {@link #hardwareEnable()} took. */
    void hardwareDisable();

    /** Whether {@link #hardwareEnable()} succeeded and {@link #hardwareDisable()} has not run since. */
    boolean isEnabled();

    /** A one-line description: the virtualization extension and what was checked. */
    String describe();

    /** Same as {@link #hardwareDisable()}. */
    @Override
    default void close() {
        if (isEnabled()) {
            hardwareDisable();
        }
    }
}
