package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.VmControl;
import java.util.Objects;

/**
 * PCI configuration mechanism #1 on a machine without PCI devices, plus the reset control register
 * that chipsets put at 0xcf9 (the FADT's reset register points there). The address register at
 * 0xcf8 latches 32-bit writes and reads them back, so a guest sees a working mechanism; the data
 * window 0xcfc..0xcff reads all-ones, which is "no device" for every bus, device and function.
 * A byte written to 0xcf9 with RST_CPU (bit 2) set resets the VM.
 */
public final class PciConfigPorts implements PortDevice, StatefulDevice {
    /** The configuration address register. */
    public static final int ADDRESS_PORT = 0xcf8;
    /** The reset control register. */
    public static final int RESET_CONTROL_PORT = 0xcf9;
    /** The reset control bit that resets the processors. */
    public static final int RST_CPU = 1 << 2;

    // Enable bit, bus, device, function and dword register number; bits 0-1 and 24-30 are reserved.
    private static final long ADDRESS_MASK = 0x80ff_fffcL;
    private static final int STATE_VERSION = 1;
    private static final int STATE_SIZE = 6;

    private final PortRange range = new PortRange(ADDRESS_PORT, 8);
    private final VmControl control;
    private long address;
    private int resetControl;

    /** The ports, resetting through {@code control}. */
    public PciConfigPorts(VmControl control) {
        this.control = Objects.requireNonNull(control, "control");
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
        return "pci-config";
    }

    @Override
    public synchronized long handleRead(long addr, AccessWidth width, DeviceContext context) {
        if (addr == ADDRESS_PORT && width == AccessWidth.DWORD) {
            return address;
        }
        if (addr == RESET_CONTROL_PORT && width == AccessWidth.BYTE) {
            return resetControl;
        }
        return width.mask();
    }

    @Override
    public synchronized void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        if (addr == ADDRESS_PORT && width == AccessWidth.DWORD) {
            address = value & ADDRESS_MASK;
        } else if (addr == RESET_CONTROL_PORT && width == AccessWidth.BYTE) {
            resetControl = (int) value & ~RST_CPU & 0xff;
            if ((value & RST_CPU) != 0) {
                control.reset();
            }
        }
        // Configuration data writes go to no device; byte and word writes to the address register are not decoded.
    }

    /** Encoding 1: the version byte, the address register (4 bytes, little-endian), the reset control byte. */
    @Override
    public synchronized byte[] saveState() {
        return new byte[] {STATE_VERSION, (byte) address, (byte) (address >>> 8), (byte) (address >>> 16),
            (byte) (address >>> 24), (byte) resetControl};
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length != STATE_SIZE || state[0] != STATE_VERSION) {
            throw new IllegalArgumentException("PCI configuration state: " + (state.length != STATE_SIZE
                    ? state.length + " bytes, not " + STATE_SIZE : "encoding version " + (state[0] & 0xff) + " (this reads 1)"));
        }
        long a = 0;
        for (int i = 0; i < 4; i++) {
            a |= (state[1 + i] & 0xffL) << (8 * i);
        }
        if ((a & ~ADDRESS_MASK) != 0) {
            throw new IllegalArgumentException(String.format(
                    "PCI configuration state: address 0x%x (offset 1) sets reserved bits the register never latches", a));
        }
        int reset = state[5] & 0xff;
        if ((reset & RST_CPU) != 0) {
            throw new IllegalArgumentException("PCI configuration state: reset control 0x" + Integer.toHexString(reset)
                    + " (offset 5) holds RST_CPU, which the register never keeps");
        }
        synchronized (this) {
            address = a;
            resetControl = reset;
        }
    }

    @Override
    public String toString() {
        return "PCI configuration ports (no devices) at " + range;
    }
}
