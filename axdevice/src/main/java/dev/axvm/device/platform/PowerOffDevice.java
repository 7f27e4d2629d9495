package dev.axvm.device.platform;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatelessDevice;
import dev.axvm.device.VmControl;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The x86 power-off port of AxVisor and QEMU: writing {@link #POWER_OFF_VALUE} 0x2000 to port
 * {@link #DEFAULT_PORT} 0x604 (the ACPI PM1a control register of QEMU's PIIX4/ICH9 PM, SLP_EN with
 * sleep type S5) asks the VM to power off through {@link VmControl#powerOff()}. Any other value,
 * and any write to the other ports of the range, is ignored (logged at debug); reads return 0.
 *
 * <p>The device owns four ports, {@code 0x604..0x607}, so that a 16- or 32-bit {@code out} at 0x604
 * lies inside it; the value is compared after truncation to the access width, so a byte write
 * never matches.
 */
public final class PowerOffDevice implements PortDevice, StatelessDevice {
    /** The PM1a control port. */
    public static final int DEFAULT_PORT = 0x604;
    /** SLP_EN (bit 13) with SLP_TYP 0: enter S5. */
    public static final long POWER_OFF_VALUE = 0x2000;
    /** Ports owned from the base. */
    public static final int PORTS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(PowerOffDevice.class);

    private final PortRange range;
    private final VmControl control;

    /** The device at {@link #DEFAULT_PORT}. */
    public PowerOffDevice(VmControl control) {
        this(DEFAULT_PORT, control);
    }

    /**
     * The device at {@code port}.
     *
     * @throws IllegalArgumentException when its four ports do not fit in 0..0xffff
     */
    public PowerOffDevice(int port, VmControl control) {
        this.control = Objects.requireNonNull(control, "control");
        if (port < 0 || port > 0x10000 - PORTS) {
            throw new IllegalArgumentException("power-off port 0x" + Integer.toHexString(port) + ": its " + PORTS
                    + " ports must lie in 0..0xffff");
        }
        this.range = new PortRange(port, PORTS);
    }

    /** AxVisor has no type for this device, so it reports {@code Dummy}. */
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
        return "power-off";
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return 0;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        if (addr == range.startPort() && value == POWER_OFF_VALUE) {
            control.powerOff();
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("power-off device: ignoring write of 0x{} ({} bytes) to port 0x{} from vCPU {}",
                    Long.toHexString(value), width.size(), Long.toHexString(addr), context.vcpuId());
        }
    }

    @Override
    public String toString() {
        return "power-off device at " + range;
    }
}
