package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatelessDevice;
import dev.axvm.device.VmControl;
import java.util.Objects;

/**
 * The sleep control and status registers of a hardware-reduced ACPI platform (ACPI 6.5, 4.8.3.7),
 * on two I/O ports. Writing SLP_EN with sleep type {@link #SLP_TYP_S5} (the value the DSDT's
 * {@code \_S5} package gives) powers the VM off; other sleep types are not offered by the DSDT and
 * are ignored. The status register reads as zero (no wake event pending).
 */
public final class AcpiSleepRegisters implements PortDevice, StatelessDevice {
    /** The sleep type the DSDT declares for S5 (soft off). */
    public static final int SLP_TYP_S5 = 5;
    /** SLP_EN: enter the sleep state written in SLP_TYPx. */
    public static final int SLP_EN = 1 << 5;

    private static final int SLP_TYP_SHIFT = 2;
    private static final int SLP_TYP_MASK = 7;

    private final PortRange range;
    private final VmControl control;

    /** The control register at {@code controlPort}, the status register at the next port. */
    public AcpiSleepRegisters(int controlPort, VmControl control) {
        this.range = new PortRange(controlPort, 2);
        this.control = Objects.requireNonNull(control, "control");
    }

    /** The sleep control value that enters S5. */
    public static int powerOffValue() {
        return SLP_EN | SLP_TYP_S5 << SLP_TYP_SHIFT;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.DUMMY;
    }

    @Override
    public PortRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return "acpi-sleep";
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return 0;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        if (addr == range.startPort() && (value & SLP_EN) != 0 && (value >>> SLP_TYP_SHIFT & SLP_TYP_MASK) == SLP_TYP_S5) {
            control.powerOff();
        }
    }

    @Override
    public String toString() {
        return "ACPI sleep registers at " + range;
    }
}
