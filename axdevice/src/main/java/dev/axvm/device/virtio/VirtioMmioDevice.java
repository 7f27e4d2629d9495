package dev.axvm.device.virtio;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.ResettableDevice;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.internal.DeviceStateReader;
import dev.axvm.device.internal.RamWindowCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Snapshots ({@link StatefulDevice}): every backend completes each request it takes from a queue
 * (used ring written, interrupt decided) before the transport's lock is released, so holding the
 * lock is the quiesce — no request is ever in flight in a saved state. A VM snapshot {@link #hold}s
 * the device from before {@link #saveState} until guest memory is written, so that no doorbell or
 * host input serves a request in between (the saved indices and the rings in memory agree), and
 * {@link #release}s it afterwards. A VM restoring one {@link #attachMemory attaches} its guest
 * memory before {@link #restoreState} (which finds the ready queues' rings in it) and calls
 * {@link #serveAllQueues} once after it: requests the guest made available after the device last
 * looked (a doorbell rung while the snapshot was taken) are served then, as no new doorbell heard them.
 */
public final class VirtioMmioDevice implements MmioDevice, ResettableDevice, StatefulDevice, AutoCloseable {
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
    private boolean held;
    private boolean deferred; // a queue was to be served while held

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

    /**
     * The guest memory the queues live in. A driver's register write tells the device too; a VM
     * restoring a snapshot attaches it before {@link #restoreState}, which finds the ready queues'
     * rings in it (with no driver write yet, and notifications arriving through a doorbell).
     */
    public synchronized void attachMemory(GuestMemory guestMemory) {
        if (guestMemory != memory) {
            windows.clear(); // windows into another memory must not serve this one's addresses
        }
        memory = Objects.requireNonNull(guestMemory, "guestMemory");
    }

    /**
     * Serves no queue until {@link #release}: notifications that arrive meanwhile (a doorbell, host
     * input, a QueueNotify write) are served then. Returns once a request being served has been
     * completed. A VM snapshot holds the device while it saves the state and guest memory.
     */
    public synchronized void hold() {
        held = true;
    }

    /** Serves queues again, first every ready queue if a notification arrived while held. */
    public synchronized void release() {
        held = false;
        if (deferred) {
            deferred = false;
            for (VirtQueue q : queues) {
                serveGuarded(q);
            }
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
            if (acceptable(driverFeatures, offered)) {
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
        if (held) {
            deferred = true;
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

    private static boolean acceptable(long features, long offered) {
        return (features & ~offered) == 0 && (features & VirtioFeatures.bit(VirtioFeatures.VERSION_1)) != 0;
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

    // ---- snapshots ---------------------------------------------------------------------------

    private static final int STATE_VERSION = 1;
    /**
     * Version, device id, queue count, status, the two feature selectors, driver and negotiated
     * features, queue selector, interrupt status, broken flag, reason length.
     */
    private static final int STATE_FIXED = 1 + 1 + 1 + 1 + 4 + 4 + 8 + 8 + 4 + 1 + 1 + 2;
    /** The longest reason for DEVICE_NEEDS_RESET a state carries, in chars (the transport's own are one line). */
    private static final int MAX_REASON = 1024;

    /**
     * Encoding 1, little-endian: the version byte; the device id and the number of queues (1 byte
     * each, which must be this device's); Status (1 byte); DeviceFeaturesSel and DriverFeaturesSel
     * (4 bytes each); the driver's features and the negotiated ones (8 bytes each); QueueSel (4
     * bytes); InterruptStatus (1 byte); whether the device needs a reset because the driver broke
     * it (1 byte) and why (a 2-byte length, then UTF-8); each queue's state ({@link VirtQueue#save}:
     * size, ring addresses, ready and ring-feature flags, last available, used and last-signalled
     * indices); the device's own state ({@link VirtioDevice#saveState}) after its 4-byte length.
     * Waits for a request being served: each is completed before the lock is let go.
     */
    @Override
    public synchronized byte[] saveState() {
        String reason = brokenBecause == null ? "" : brokenBecause.substring(0, Math.min(brokenBecause.length(), MAX_REASON));
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        byte[] own = device.saveState();
        ByteBuffer out = ByteBuffer.allocate(STATE_FIXED + why.length + queues.length * VirtQueue.STATE_BYTES + 4 + own.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) STATE_VERSION).put((byte) device.deviceId()).put((byte) queues.length).put((byte) status)
                .putInt(deviceFeaturesSel).putInt(driverFeaturesSel).putLong(driverFeatures).putLong(negotiated).putInt(queueSel)
                .put((byte) interruptStatus).put((byte) (brokenBecause == null ? 0 : 1)).putShort((short) why.length).put(why);
        for (VirtQueue q : queues) {
            q.save(out);
        }
        out.putInt(own.length).put(own);
        return out.array();
    }

    /**
     * Checks {@code state} whole — every register value one a driver could have brought about,
     * features a subset of those offered, each ready queue's size and rings as QueueReady checks
     * them (in the attached guest memory), the device's own part — and only then puts it in place,
     * with the interrupt line at the level InterruptStatus gives. Does not serve the queues: the VM
     * calls {@link #serveAllQueues} when it has restored everything.
     *
     * @throws IllegalArgumentException naming the field and its byte offset; the device is unchanged
     * @throws IllegalStateException when a queue is ready and no guest memory is attached
     */
    @Override
    public synchronized void restoreState(byte[] state) {
        DeviceStateReader in = new DeviceStateReader(device.kind() + " '" + name + "' state: ", state, STATE_VERSION);
        int id = in.u8("device id");
        if (id != device.deviceId()) {
            throw in.refused("device id " + id + " (offset 1); this is " + device.kind() + " (" + device.deviceId() + ")");
        }
        int count = in.u8("queue count");
        if (count != queues.length) {
            throw in.refused(count + " queues (offset 2); " + device.kind() + " has " + queues.length);
        }
        int newStatus = in.u8("status");
        int newDeviceSel = in.u32("device features selector");
        int newDriverSel = in.u32("driver features selector");
        long newDriverFeatures = in.u64("driver features");
        long newNegotiated = in.u64("negotiated features");
        int newQueueSel = in.u32("queue selector");
        int newInterrupts = in.u8("interrupt status");
        boolean broken = in.flag("needs-reset flag");
        int reasonLength = in.u16("needs-reset reason length");
        String reason = in.utf8("needs-reset reason", reasonLength);
        // Status itself can hold any byte: DRIVER_OK sticks only if added with FEATURES_OK, but a
        // driver may clear FEATURES_OK afterwards, or write NEEDS_RESET itself.
        String bad = newNegotiated != 0 && !acceptable(newNegotiated, offered)
                ? "negotiated features 0x" + Long.toHexString(newNegotiated) + " (offset 20) are not VERSION_1 and a subset of "
                        + "those offered (0x" + Long.toHexString(offered) + ")"
                : (newStatus & STATUS_FEATURES_OK) != 0 && (newNegotiated == 0 || newDriverFeatures != newNegotiated)
                ? "driver features 0x" + Long.toHexString(newDriverFeatures) + " (offset 12) are not the negotiated ones 0x"
                        + Long.toHexString(newNegotiated) + " under FEATURES_OK"
                : (newInterrupts & ~(INT_USED_BUFFER | INT_CONFIG_CHANGE)) != 0
                ? "interrupt status 0x" + Integer.toHexString(newInterrupts) + " (offset 32) has bits the device never sets"
                : broken && (newStatus & STATUS_NEEDS_RESET) == 0
                ? "the device is broken (offset 33) but status 0x" + Integer.toHexString(newStatus) + " lacks DEVICE_NEEDS_RESET"
                : !broken && reasonLength != 0 ? "a needs-reset reason (offset 34) for a device that is not broken"
                : reason.length() > MAX_REASON ? "a needs-reset reason of " + reason.length() + " chars (offset 36), more than "
                        + MAX_REASON
                : null;
        if (bad != null) {
            throw in.refused(bad);
        }
        Runnable[] queueStates = new Runnable[queues.length];
        for (int i = 0; i < queues.length; i++) {
            queueStates[i] = queues[i].restoring(in, memory);
        }
        int ownLength = in.u32("device state length");
        int ownAt = in.offset();
        if (ownLength < 0 || ownLength > state.length - ownAt) {
            throw in.refused("device state of " + Integer.toUnsignedString(ownLength) + " bytes (offset " + (ownAt - 4)
                    + ") runs past the end (" + state.length + ")");
        }
        byte[] own = in.bytes("device state", ownLength);
        in.end();
        Runnable ownState;
        try {
            ownState = device.restoring(own);
        } catch (IllegalArgumentException e) {
            throw in.refused("device state (offset " + ownAt + "): " + e.getMessage());
        }
        status = newStatus;
        deviceFeaturesSel = newDeviceSel;
        driverFeaturesSel = newDriverSel;
        driverFeatures = newDriverFeatures;
        negotiated = newNegotiated;
        queueSel = newQueueSel;
        interruptStatus = newInterrupts;
        brokenBecause = broken ? reason : null;
        for (Runnable q : queueStates) {
            q.run();
        }
        ownState.run();
        line.set(interruptStatus != 0);
        if ((status & STATUS_DRIVER_OK) != 0 && brokenBecause == null) {
            device.activate(negotiated, queues);
        }
    }

    @Override
    public String toString() {
        return device.kind() + " '" + name + "' " + range;
    }
}
