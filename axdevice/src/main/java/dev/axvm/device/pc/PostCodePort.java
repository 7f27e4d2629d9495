package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatelessDevice;

/**
 * Port 0x80, where firmware writes POST codes and Linux's {@code outb_p} writes to delay: writes
 * are dropped without a log line (a guest may write here thousands of times), reads give all-ones
 * as an empty ISA bus does.
 */
public final class PostCodePort implements PortDevice, StatelessDevice {
    /** The POST code port. */
    public static final int PORT = 0x80;

    private final PortRange range = new PortRange(PORT, 1);

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
        return "post-code";
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        return width.mask();
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        // A delay, or a code for a POST card nobody watches.
    }

    @Override
    public String toString() {
        return "POST code port at " + range;
    }
}
