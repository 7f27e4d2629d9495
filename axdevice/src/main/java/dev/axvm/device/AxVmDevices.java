package dev.axvm.device;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.device.internal.RangeTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The devices of one VM, as AxVisor's {@code AxVmDevices}: three tables (MMIO, port, system
 * register), each mapping disjoint address ranges to their owning device, and the dispatch that
 * hands each guest access to its owner.
 *
 * <h2>Hot path</h2>
 * The VM's exit loop calls {@link #mmioRead}, {@link #mmioWrite}, {@link #portRead},
 * {@link #portWrite}, {@link #sysRegRead} or {@link #sysRegWrite} with primitives and the
 * vCPU's reusable {@link AccessOutcome}. Each call:
 * <ol>
 *   <li>records the access in the outcome;</li>
 *   <li>finds the owner by a branch-free 4-ary search over a sorted, immutable array of range
 *       starts — O(log n), no allocation, no lock (the table is published through a volatile
 *       field);</li>
 *   <li>checks that the whole access lies inside the owner's range (MMIO and ports address
 *       bytes; a system-register address names one register whatever the width);</li>
 *   <li>calls the device with the vCPU's {@link DeviceContext}, truncating a written value to the
 *       width before and a read value after;</li>
 *   <li>returns {@link AccessStatus#COMPLETED}, {@link AccessStatus#UNMAPPED} (no owner) or
 *       {@link AccessStatus#FAILED} (the access runs past the owner's end, or the device threw a
 *       {@link RuntimeException} — caught here, stored in {@link AccessOutcome#failure()}).</li>
 * </ol>
 * No exception a device throws and nothing a guest passes leaves these methods; the policy for a
 * miss or a failure (log and ignore, reads returning all ones; or stop the VM) is the VM's.
 * The usual shape in the VM:
 * <pre>{@code
 * switch (devices.mmioRead(addr, width, outcome)) {
 *     case COMPLETED -> { return outcome.value(); }
 *     case UNMAPPED, FAILED -> {
 *         if (log.isDebugEnabled()) {
 *             log.debug(outcome.describe());   // describe() allocates: only when logging
 *         }
 *         return width.mask();                 // all ones, as an unclaimed bus reads
 *     }
 * }
 * }</pre>
 *
 * <h2>Adding devices</h2>
 * {@link #add} refuses a device whose range overlaps one already present and names both. Adding
 * is rare and may happen while vCPUs run: it copies the affected table and publishes the copy.
 */
public final class AxVmDevices {
    private final Object addLock = new Object();
    private volatile RangeTable<MmioDevice> mmio = RangeTable.empty();
    private volatile RangeTable<PortDevice> ports = RangeTable.empty();
    private volatile RangeTable<SysRegDevice> sysRegs = RangeTable.empty();

    /** An empty registry. */
    public AxVmDevices() {}

    /**
     * Adds {@code device} under its {@link BaseDeviceOps#addressRange()}.
     *
     * @throws IllegalArgumentException when the range overlaps a device already added (the message
     *     names both devices and ranges)
     */
    public void add(BaseDeviceOps<?> device) {
        Objects.requireNonNull(device, "device");
        DeviceAddrRange range = Objects.requireNonNull(device.addressRange(), () -> device.name() + ": null address range");
        synchronized (addLock) {
            switch (device) {
                case MmioDevice d -> mmio = with(mmio, range, d);
                case PortDevice d -> ports = with(ports, range, d);
                case SysRegDevice d -> sysRegs = with(sysRegs, range, d);
            }
        }
    }

    /** Adds every device in order; stops at the first that overlaps (those before it stay added). */
    public void addAll(List<? extends BaseDeviceOps<?>> devices) {
        devices.forEach(this::add);
    }

    private static <D extends BaseDeviceOps<?>> RangeTable<D> with(RangeTable<D> table, DeviceAddrRange range, D device) {
        int clash = table.overlapping(range.start(), range.last());
        if (clash >= 0) {
            D other = table.owner(clash);
            throw new IllegalArgumentException("device '" + device.name() + "' at " + range + " overlaps device '"
                    + other.name() + "' at " + other.addressRange());
        }
        return table.with(range.start(), range.last(), device);
    }

    /** How many devices of all kinds. */
    public int size() {
        return mmio.size() + ports.size() + sysRegs.size();
    }

    /** The MMIO devices, by ascending address (a snapshot). */
    public List<MmioDevice> mmioDevices() {
        return list(mmio);
    }

    /** The port devices, by ascending port (a snapshot). */
    public List<PortDevice> portDevices() {
        return list(ports);
    }

    /** The system-register devices, by ascending register address (a snapshot). */
    public List<SysRegDevice> sysRegDevices() {
        return list(sysRegs);
    }

    private static <D> List<D> list(RangeTable<D> table) {
        List<D> out = new ArrayList<>(table.size());
        for (int i = 0; i < table.size(); i++) {
            out.add(table.owner(i));
        }
        return List.copyOf(out);
    }

    /** The MMIO device owning guest-physical {@code addr}, or null. O(log n), no allocation. */
    public MmioDevice findMmio(long addr) {
        RangeTable<MmioDevice> t = mmio;
        int i = t.indexOf(addr);
        return i < 0 ? null : t.owner(i);
    }

    /** The port device owning {@code port}, or null (also for numbers outside 0..0xffff). */
    public PortDevice findPort(int port) {
        RangeTable<PortDevice> t = ports;
        int i = t.indexOf(port);
        return i < 0 ? null : t.owner(i);
    }

    /** The system-register device owning register address {@code addr}, or null. */
    public SysRegDevice findSysReg(long addr) {
        RangeTable<SysRegDevice> t = sysRegs;
        int i = t.indexOf(addr);
        return i < 0 ? null : t.owner(i);
    }

    /** Dispatches a guest load from {@code addr}; see the class comment. */
    public AccessStatus mmioRead(long addr, AccessWidth width, AccessOutcome out) {
        out.begin(AccessKind.MMIO_READ, addr, width, 0);
        return read(mmio, addr, width, out);
    }

    /** Dispatches a guest store of {@code value} to {@code addr}; see the class comment. */
    public AccessStatus mmioWrite(long addr, AccessWidth width, long value, AccessOutcome out) {
        long v = width == null ? value : width.truncate(value);
        out.begin(AccessKind.MMIO_WRITE, addr, width, v);
        return write(mmio, addr, width, v, out);
    }

    /**
     * Dispatches an {@code in} from {@code port}; a number outside 0..0xffff is
     * {@link AccessStatus#UNMAPPED}.
     */
    public AccessStatus portRead(int port, AccessWidth width, AccessOutcome out) {
        out.begin(AccessKind.PORT_READ, port, width, 0);
        return read(ports, port, width, out);
    }

    /** Dispatches an {@code out} of {@code value} to {@code port}. */
    public AccessStatus portWrite(int port, AccessWidth width, long value, AccessOutcome out) {
        long v = width == null ? value : width.truncate(value);
        out.begin(AccessKind.PORT_WRITE, port, width, v);
        return write(ports, port, width, v, out);
    }

    /** Dispatches a read of the trapped system register {@code addr}. */
    public AccessStatus sysRegRead(long addr, AccessWidth width, AccessOutcome out) {
        out.begin(AccessKind.SYSREG_READ, addr, width, 0);
        return readRegister(sysRegs, addr, width, out);
    }

    /** Dispatches a write of {@code value} to the trapped system register {@code addr}. */
    public AccessStatus sysRegWrite(long addr, AccessWidth width, long value, AccessOutcome out) {
        long v = width == null ? value : width.truncate(value);
        out.begin(AccessKind.SYSREG_WRITE, addr, width, v);
        return writeRegister(sysRegs, addr, width, v, out);
    }

    private static AccessStatus read(RangeTable<? extends BaseDeviceOps<?>> table, long addr, AccessWidth width,
            AccessOutcome out) {
        int i = table.indexOf(addr);
        if (i < 0) {
            return out.unmapped();
        }
        BaseDeviceOps<?> device = table.owner(i);
        if (width == null || !fits(addr, width, table.last(i))) {
            return out.failed(device, outside(device, addr, width));
        }
        try {
            return out.complete(device, width.truncate(device.handleRead(addr, width, out.context())));
        } catch (RuntimeException e) {
            return out.failed(device, e);
        }
    }

    private static AccessStatus write(RangeTable<? extends BaseDeviceOps<?>> table, long addr, AccessWidth width,
            long value, AccessOutcome out) {
        int i = table.indexOf(addr);
        if (i < 0) {
            return out.unmapped();
        }
        BaseDeviceOps<?> device = table.owner(i);
        if (width == null || !fits(addr, width, table.last(i))) {
            return out.failed(device, outside(device, addr, width));
        }
        try {
            device.handleWrite(addr, width, value, out.context());
            return out.complete(device, value);
        } catch (RuntimeException e) {
            return out.failed(device, e);
        }
    }

    /** A register address names one register whatever the width, so only the width's presence is checked. */
    private static AccessStatus readRegister(RangeTable<SysRegDevice> table, long addr, AccessWidth width,
            AccessOutcome out) {
        int i = table.indexOf(addr);
        if (i < 0) {
            return out.unmapped();
        }
        SysRegDevice device = table.owner(i);
        if (width == null) {
            return out.failed(device, outside(device, addr, null));
        }
        try {
            return out.complete(device, width.truncate(device.handleRead(addr, width, out.context())));
        } catch (RuntimeException e) {
            return out.failed(device, e);
        }
    }

    private static AccessStatus writeRegister(RangeTable<SysRegDevice> table, long addr, AccessWidth width, long value,
            AccessOutcome out) {
        int i = table.indexOf(addr);
        if (i < 0) {
            return out.unmapped();
        }
        SysRegDevice device = table.owner(i);
        if (width == null) {
            return out.failed(device, outside(device, addr, null));
        }
        try {
            device.handleWrite(addr, width, value, out.context());
            return out.complete(device, value);
        } catch (RuntimeException e) {
            return out.failed(device, e);
        }
    }

    /** Whether {@code [addr, addr + width)} ends at or before {@code last} without wrapping. */
    private static boolean fits(long addr, AccessWidth width, long last) {
        long end = addr + (width.size() - 1);
        return Long.compareUnsigned(end, addr) >= 0 && Long.compareUnsigned(end, last) <= 0;
    }

    private static DeviceAccessException outside(BaseDeviceOps<?> device, long addr, AccessWidth width) {
        if (width == null) {
            return new DeviceAccessException("access at 0x" + Long.toHexString(addr) + " to device '" + device.name()
                    + "' has no width");
        }
        return new DeviceAccessException(width.size() + "-byte access at 0x" + Long.toHexString(addr)
                + " runs past the end of device '" + device.name() + "' at " + device.addressRange());
    }
}
