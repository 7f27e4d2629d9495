package dev.axvm.bench.dispatch;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;

/** Counts accesses and reads back the count: a second device class, so the dispatch's call site is megamorphic as in a real VM. */
final class CounterDevice implements MmioDevice {
    private final GuestPhysAddrRange range;
    private long count;

    CounterDevice(long base, long size) {
        range = new GuestPhysAddrRange(base, size);
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
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return ++count;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        count += value;
    }
}
