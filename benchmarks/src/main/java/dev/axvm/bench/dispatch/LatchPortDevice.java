package dev.axvm.bench.dispatch;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;

/** A port device that latches the last value written: the port benchmark's device. */
final class LatchPortDevice implements PortDevice {
    private final PortRange range;
    private long latch;

    LatchPortDevice(int base, int size) {
        range = new PortRange(base, size);
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
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return latch ^ addr;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        latch = value;
    }
}
