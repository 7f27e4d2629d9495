package dev.axvm.device.uart;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatefulDevice;
import java.util.Objects;

/**
 * A {@link Uart16550} on eight consecutive I/O ports, as the PC's COM ports: COM1 at 0x3f8 with
 * IRQ 4 ({@link #COM1_PORT}, {@link #COM1_IRQ}), COM2 at 0x2f8 with IRQ 3.
 *
 * <p>Widths: a byte access is the register at that port. A wider access (a guest's {@code in ax,
 * dx}) reads the one register at its first port, zero-extended, and writes that register with the
 * value's low byte; the other ports it spans are not touched.
 */
public final class Uart16550PortDevice implements PortDevice, StatefulDevice {
    /** COM1's first port. */
    public static final int COM1_PORT = 0x3f8;
    /** COM1's ISA interrupt. */
    public static final int COM1_IRQ = 4;
    /** COM2's first port. */
    public static final int COM2_PORT = 0x2f8;
    /** COM2's ISA interrupt. */
    public static final int COM2_IRQ = 3;

    private final String name;
    private final PortRange range;
    private final Uart16550 uart;

    /**
     * The UART {@code uart} on ports {@code basePort..basePort+7}.
     *
     * @throws IllegalArgumentException when the eight ports do not fit in 0..0xffff (the message
     *     names the device and port)
     */
    public Uart16550PortDevice(String name, int basePort, Uart16550 uart) {
        this.name = Objects.requireNonNull(name, "name");
        this.uart = Objects.requireNonNull(uart, "uart");
        if (basePort < 0 || basePort > 0x10000 - Uart16550.REGISTER_COUNT) {
            throw new IllegalArgumentException("16550 '" + name + "' at port 0x" + Integer.toHexString(basePort)
                    + ": its " + Uart16550.REGISTER_COUNT + " ports must lie in 0..0xffff");
        }
        this.range = new PortRange(basePort, Uart16550.REGISTER_COUNT);
    }

    /** The UART behind the ports. */
    public Uart16550 uart() {
        return uart;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.CONSOLE;
    }

    @Override
    public PortRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return uart.readRegister((int) (addr - range.startPort()));
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        uart.writeRegister((int) (addr - range.startPort()), (int) value);
    }

    @Override
    public String toString() {
        return "16550 '" + name + "' at " + range;
    }

    /** The UART's state ({@link Uart16550#saveState}). */
    @Override
    public byte[] saveState() {
        return uart.saveState();
    }

    @Override
    public void restoreState(byte[] state) {
        uart.restoreState(state);
    }
}
