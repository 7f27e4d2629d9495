package dev.axvm.device;

import dev.axvm.device.uart.SerialSink;
import dev.axvm.device.uart.SerialSource;
import java.util.Objects;

/**
 * What devices built by {@link EmulatedDeviceFactory} need from their VM: where interrupt lines
 * go, the VM's control callbacks, and the console's host side.
 *
 * @param interrupts the VM's interrupt sink; lines carry the config's {@code irq_id} unchanged
 * @param control the VM's control callbacks, for config devices that act on the VM (none of the
 *     implemented types does yet; the power-off and debug-exit ports are added in code)
 * @param consoleOut where a console UART's output goes
 * @param consoleIn where a console UART's input comes from ({@link SerialSource#none()} for none);
 *     a source feeds one UART, so a VM with two consoles gives each its own hookups
 */
public record DeviceHookups(InterruptSink interrupts, VmControl control, SerialSink consoleOut, SerialSource consoleIn) {
    /** Checks that nothing is null. */
    public DeviceHookups {
        Objects.requireNonNull(interrupts, "interrupts");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(consoleOut, "consoleOut");
        Objects.requireNonNull(consoleIn, "consoleIn");
    }
}
