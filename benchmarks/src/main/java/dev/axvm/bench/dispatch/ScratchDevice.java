package dev.axvm.bench.dispatch;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;

/**
 * Eight 64-bit scratch registers repeated over the window: a device whose own work is one load or
 * store, small enough that 1,000 of them stay in cache (the benchmark measures dispatch, not the
 * devices' memory).
 */
final class ScratchDevice implements MmioDevice {
    private final GuestPhysAddrRange range;
    private final long[] registers = new long[8];

    ScratchDevice(long base, long size) {
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
        return registers[(int) ((addr - range.start()) >>> 3) & 7];
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        registers[(int) ((addr - range.start()) >>> 3) & 7] = value;
    }
}
