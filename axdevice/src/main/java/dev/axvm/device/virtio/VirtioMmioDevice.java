package dev.axvm.device.virtio;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.ResettableDevice;
import dev.axvm.device.internal.RamWindowCache;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2): a {@link VirtioDevice} on the
 * guest's memory bus, with its register window, feature negotiation, status handshake, queue
 * setup and interrupt.
 *
 * <p>The driver is not trusted. Control registers answer only aligned 32-bit accesses (others read
 * 0 and are ignored); features are accepted only if they are offered and include VERSION_1,
 * otherwise FEATURES_OK does not stick; queue registers change only while the queue is not ready;
 * DRIVER_OK without FEATURES_OK is ignored; a queue whose rings are not in guest RAM, or that turns
 * out malformed while served, puts the device in DEVICE_NEEDS_RESET (reported once, with a
 * configuration-change interrupt) and the device serves nothing until the driver resets it by
 * writing 0 to Status. Nothing the driver writes throws out of a register access.
 *
 * <p>Thread-safe: register accesses from several vCPUs and host-side kicks ({@link
 * VirtioDevice.QueueKick}) serialise on the transport.
 */
public final class VirtioMmioDevice implements MmioDevice, ResettableDevice, AutoCloseable {
    /** The register window's size. */
    public static final long WINDOW = 0x200;
    /** "virt", little-endian. */
    public static final int MAGIC = 0x7472_6976;
    /** The vendor id this library reports: "AXVM" read as a little-endian u32. */
    public static final int VENDOR = 0x4d56_5841;

    static final int STATUS_ACKNOWLEDGE = 1;
    static final int STATUS_DRIVER = 2;
    static final int STATUS_DRIVER_OK = 4;
    static final int STATUS_FEATURES_OK = 8;
    static final int STATUS_NEEDS_RESET = 64;
    static final int STATUS_FAILED = 128;
    static final int INT_USED_BUFFER = 1;
    static final int INT_CONFIG_CHANGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(VirtioMmioDevice.class);
    private static final long TRANSPORT_FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);

    private final String name;
    private final GuestPhysAddrRange range;
    private final VirtioDevice device;
    private final InterruptLine line;
    private final EmulatedDeviceType type;
    private final long offered;
    private final VirtQueue[] queues;
    private final RamWindowCache windows = new RamWindowCache();

    private GuestMemory memory;
    private int status;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private long negotiated;
    private int queueSel;
    private int interruptStatus;
    private String brokenBecause;

    /**
     * {@code device} at {@code [base, base + length)} (at least {@link #WINDOW} bytes), interrupting
     * on {@code line}; {@code type} is the config's emulated type the device was built for.
     */
    public VirtioMmioDevice(String name, long base, long length, VirtioDevice device, InterruptLine line,
            EmulatedDeviceType type) {
        this.name = Objects.requireNonNull(name, "name");
        this.device = Objects.requireNonNull(device, "device");
        this.line = Objects.requireNonNull(line, "line");
        this.type = Objects.requireNonNull(type, "type");
        if (Long.compareUnsigned(length, WINDOW) < 0) {
            throw new IllegalArgumentException(device.kind() + " '" + name + "': length 0x" + Long.toHexString(length)
                    + " is smaller than the virtio-mmio register window (0x200)");
        }
        if (Long.compareUnsigned(base + length - 1, base) < 0) {
            throw new IllegalArgumentException(device.kind() + " '" + name + "': GPA 0x" + Long.toHexString(base)
                    + " + length 0x" + Long.toHexString(length) + " wraps past 2^64");
        }
        this.range = new GuestPhysAddrRange(base, length);
        this.offered = device.features() | TRANSPORT_FEATURES;
        this.queues = new VirtQueue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new VirtQueue(i, device.queueMaxSize(), windows);
        }
        device.connect(this::kick);
    }

    /** The device behind the transport. */
    public VirtioDevice device() {
        return device;
    }

    /** The interrupt line. */
    public InterruptLine interruptLine() {
        return line;
    }

    /** The device status register as the driver would read it. */
    public synchronized int status() {
        return status;
    }

    /** Why the device needs a reset, or null when it does not. */
    public synchronized String brokenBecause() {
        return brokenBecause;
    }

    /** The negotiated feature bits (0 before FEATURES_OK). */
    public synchronized long negotiatedFeatures() {
        return negotiated;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return type;
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
    public synchronized long handleRead(long addr, AccessWidth width, DeviceContext context) {
        long at = addr - range.start();
        if (at >= 0x100) {
            return readConfig(at - 0x100, width.size());
        }
        int offset = (int) at;
        if (width != AccessWidth.DWORD || (offset & 3) != 0) {
            return 0;
        }
        VirtQueue q = selected();
        return switch (offset) {
            case 0x000 -> MAGIC;
            case 0x004 -> 2;
            case 0x008 -> device.deviceId();
            case 0x00c -> VENDOR;
            case 0x010 -> deviceFeaturesSel > 1 ? 0 : (offered >>> (32 * deviceFeaturesSel)) & 0xffff_ffffL;
            case 0x034 -> q == null ? 0 : q.maxSize();
            case 0x044 -> q != null && q.isReady() ? 1 : 0;
            case 0x060 -> interruptStatus;
            case 0x070 -> status;
            case 0x0b0, 0x0b4, 0x0b8, 0x0bc -> 0xffff_ffffL; // no shared memory regions: length and base all-ones
            case 0x0fc -> 0; // the configuration never changes
            default -> 0;
        };
    }

    @Override
    public synchronized void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        long at = addr - range.start();
        int offset = (int) at;
        if (at >= 0x100 || width != AccessWidth.DWORD || (offset & 3) != 0) {
            return; // the configuration spaces here are read-only; narrow control writes mean nothing
        }
        memory = context.memory();
        int v = (int) value;
        VirtQueue q = selected();
        boolean queueIdle = q != null && !q.isReady();
        switch (offset) {
            case 0x014 -> deviceFeaturesSel = v;
            case 0x020 -> setDriverFeatures(v);
            case 0x024 -> driverFeaturesSel = v;
            case 0x030 -> queueSel = v;
            case 0x038 -> {
                if (queueIdle) {
                    q.setSize(v);
                }
            }
            case 0x044 -> setQueueReady(q, v);
            case 0x050 -> notifyQueue(v);
            case 0x064 -> acknowledge(v);
            case 0x070 -> setStatus(v);
            case 0x080 -> {
                if (queueIdle) {
                    q.setDescAddr(low(q.descAddr(), v));
                }
            }
            case 0x084 -> {
                if (queueIdle) {
                    q.setDescAddr(high(q.descAddr(), v));
                }
            }
            case 0x090 -> {
                if (queueIdle) {
                    q.setAvailAddr(low(q.availAddr(), v));
                }
            }
            case 0x094 -> {
                if (queueIdle) {
                    q.setAvailAddr(high(q.availAddr(), v));
                }
            }
            case 0x0a0 -> {
                if (queueIdle) {
                    q.setUsedAddr(low(q.usedAddr(), v));
                }
            }
            case 0x0a4 -> {
                if (queueIdle) {
                    q.setUsedAddr(high(q.usedAddr(), v));
                }
            }
            default -> {
                // read-only or unknown register: ignored
            }
        }
    }

    /**
     * The guest wrote QueueNotify through a doorbell, which does not say which queue: serves every
     * queue that is ready (a queue without new requests costs one read of its index).
     */
    public synchronized void serveAllQueues() {
        for (VirtQueue q : queues) {
            serveGuarded(q);
        }
    }

    /** Returns the device to its initial state, as a write of 0 to Status does (the VM calls it on reboot and close). */
    @Override
    public synchronized void resetDevice() {
        reset();
    }

    /** Resets the transport and closes the device if it holds resources (a block device's file). */
    @Override
    public void close() throws Exception {
        resetDevice();
        if (device instanceof AutoCloseable c) {
            c.close();
        }
    }

    // ---- registers ---------------------------------------------------------------------------

    private VirtQueue selected() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    private static long low(long old, int v) {
        return (old & 0xffff_ffff_0000_0000L) | Integer.toUnsignedLong(v);
    }

    private static long high(long old, int v) {
        return (old & 0xffff_ffffL) | ((long) v << 32);
    }

    private long readConfig(long offset, int size) {
        if (offset + size > device.configSize()) {
            return 0;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (device.configByte((int) offset + i) & 0xff);
        }
        return v;
    }

    private void setDriverFeatures(int v) {
        if ((status & STATUS_FEATURES_OK) != 0 || driverFeaturesSel > 1) {
            return; // features are fixed once FEATURES_OK is set
        }
        int shift = 32 * driverFeaturesSel;
        driverFeatures = (driverFeatures & ~(0xffff_ffffL << shift)) | (Integer.toUnsignedLong(v) << shift);
    }

    private void setStatus(int v) {
        if (v == 0) {
            reset();
            return;
        }
        int value = v & 0xff;
        int added = value & ~status;
        if ((added & STATUS_FEATURES_OK) != 0) {
            boolean acceptable = (driverFeatures & ~offered) == 0
                    && (driverFeatures & VirtioFeatures.bit(VirtioFeatures.VERSION_1)) != 0;
            if (acceptable) {
                negotiated = driverFeatures;
            } else {
                value &= ~STATUS_FEATURES_OK; // the driver reads it back and gives up
            }
        }
        if ((added & STATUS_DRIVER_OK) != 0 && (value & STATUS_FEATURES_OK) == 0) {
            value &= ~STATUS_DRIVER_OK;
        }
        status = (status & STATUS_NEEDS_RESET) | value;
        if ((added & STATUS_DRIVER_OK) != 0 && (status & STATUS_DRIVER_OK) != 0 && brokenBecause == null) {
            device.activate(negotiated, queues);
            for (VirtQueue q : queues) {
                serveGuarded(q); // buffers made available before DRIVER_OK
            }
        }
    }

    private void setQueueReady(VirtQueue q, int v) {
        if (q == null) {
            return;
        }
        if ((v & 1) == 0) {
            q.disable();
            return;
        }
        if (q.isReady() || brokenBecause != null || (status & STATUS_FEATURES_OK) == 0) {
            return;
        }
        try {
            q.enable(memory, negotiated);
        } catch (VirtQueueException e) {
            broken(e.getMessage());
        } catch (UnsupportedOperationException e) {
            broken("queue " + q.index() + ": " + e.getMessage());
        }
    }

    private void notifyQueue(int index) {
        if (index >= 0 && index < queues.length) {
            serveGuarded(queues[index]);
        }
    }

    private void kick(int index) {
        synchronized (this) {
            notifyQueue(index);
        }
    }

    private void serveGuarded(VirtQueue q) {
        if ((status & STATUS_DRIVER_OK) == 0 || brokenBecause != null || !q.isReady()) {
            return;
        }
        try {
            device.serve(q);
        } catch (VirtQueueException e) {
            broken(e.getMessage());
            return;
        }
        if (q.needsInterrupt()) {
            interruptStatus |= INT_USED_BUFFER;
            line.raise();
        }
    }

    private void acknowledge(int v) {
        interruptStatus &= ~v;
        if (interruptStatus == 0) {
            line.lower();
        }
    }

    private void broken(String why) {
        brokenBecause = why;
        status |= STATUS_NEEDS_RESET;
        LOG.warn("{} '{}': the driver broke the device, which needs a reset: {}", device.kind(), name, why);
        if ((status & STATUS_DRIVER_OK) != 0) {
            interruptStatus |= INT_CONFIG_CHANGE;
            line.raise();
        }
    }

    private void reset() {
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        negotiated = 0;
        queueSel = 0;
        interruptStatus = 0;
        brokenBecause = null;
        for (VirtQueue q : queues) {
            q.reset();
        }
        windows.clear();
        device.reset();
        line.lower();
    }

    @Override
    public String toString() {
        return device.kind() + " '" + name + "' " + range;
    }
}
