package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.VmControl;
import java.util.Objects;

/**
 * PCI configuration mechanism #1 on a machine without PCI devices, plus the reset control register
 * that chipsets put at 0xcf9 (the FADT's reset register points there). The address register at
 * 0xcf8 latches 32-bit writes and reads them back, so a guest sees a working mechanism; the data
 * window 0xcfc..0xcff reads all-ones, which is "no device" for every bus, device and function.
 * A byte written to 0xcf9 with RST_CPU (bit 2) set resets the VM.
 */
public final class PciConfigPorts implements PortDevice {
    /** The configuration address register. */
    public static final int ADDRESS_PORT = 0xcf8;
    /** The reset control register. */
    public static final int RESET_CONTROL_PORT = 0xcf9;
    /** The reset control bit that resets the processors. */
    public static final int RST_CPU = 1 << 2;

    // Enable bit, bus, device, function and dword register number; bits 0-1 and 24-30 are reserved.
    private static final long ADDRESS_MASK = 0x80ff_fffcL;

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

    @Override
    public String toString() {
        return "PCI configuration ports (no devices) at " + range;
    }
}
