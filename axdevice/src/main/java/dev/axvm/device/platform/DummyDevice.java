package dev.axvm.device.platform;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.StatelessDevice;
import java.util.Objects;

/**
 * The config's {@code Dummy} device (emu_type 0x0): a range of guest-physical memory that reads
 * as zero at every width and ignores writes — a placeholder that keeps a guest's probe of a
 * device we do not emulate from being an unmapped access.
 */
public final class DummyDevice implements MmioDevice, StatelessDevice {
    private final String name;
    private final GuestPhysAddrRange range;

    /** A dummy named {@code name} over {@code range}. */
    public DummyDevice(String name, GuestPhysAddrRange range) {
        this.name = Objects.requireNonNull(name, "name");
        this.range = Objects.requireNonNull(range, "range");
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.DUMMY;
    }

    @Override
    public GuestPhysAddrRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return 0;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        // A dummy ignores writes by definition.
    }

    @Override
    public String toString() {
        return "dummy '" + name + "' at " + range;
    }
}
