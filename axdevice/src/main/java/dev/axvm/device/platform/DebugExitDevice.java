package dev.axvm.device.platform;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatelessDevice;
import dev.axvm.device.VmControl;
import java.util.Objects;

/**
 * A "debug exit" port after QEMU's {@code isa-debug-exit} (default port {@link #DEFAULT_PORT}
 * 0x501): a write of value {@code v}, at any width and any port of the range, ends the VM with
 * exit code {@code v} through {@link VmControl#exit(int)} — the test guests report pass or fail
 * so. Unlike QEMU, whose process exits with {@code (v << 1) | 1}, the code is {@code v} itself
 * (its low 32 bits): the guest says exactly what the host sees. Reads return 0.
 *
 * <p>The device owns {@link #DEFAULT_PORTS} ports by default so that a 32-bit {@code out} at the
 * base lies inside it.
 */
public final class DebugExitDevice implements PortDevice, StatelessDevice {
    /** QEMU's default {@code iobase}. */
    public static final int DEFAULT_PORT = 0x501;
    /** Ports owned by default. */
    public static final int DEFAULT_PORTS = 4;

    private final PortRange range;
    private final VmControl control;

    /** The device at {@link #DEFAULT_PORT} with {@link #DEFAULT_PORTS} ports. */
    public DebugExitDevice(VmControl control) {
        this(DEFAULT_PORT, DEFAULT_PORTS, control);
    }

    /**
     * The device on {@code ports} ports from {@code port}.
     *
     * @throws IllegalArgumentException when {@code ports} is not 1..4 or the ports leave 0..0xffff
     */
    public DebugExitDevice(int port, int ports, VmControl control) {
        this.control = Objects.requireNonNull(control, "control");
        if (ports < 1 || ports > 4) {
            throw new IllegalArgumentException("debug-exit device at port 0x" + Integer.toHexString(port) + ": "
                    + ports + " ports (1..4)");
        }
        if (port < 0 || port > 0x10000 - ports) {
            throw new IllegalArgumentException("debug-exit device at port 0x" + Integer.toHexString(port) + ": its "
                    + ports + " ports must lie in 0..0xffff");
        }
        this.range = new PortRange(port, ports);
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
        return "debug-exit";
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return 0;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        control.exit((int) value);
    }

    @Override
    public String toString() {
        return "debug-exit device at " + range;
    }
}
