package dev.axvm.axvisor.selftest;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.InterruptSink;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.TriggerMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scenarios' test device: one MMIO page that records what the guest does to it.
 *
 * <table>
 *   <caption>Registers (offsets from the base)</caption>
 *   <tr><th>offset</th><th>register</th><th>behaviour</th></tr>
 *   <tr><td>0x000-0x03f</td><td>scratch</td><td>64 bytes, little-endian: a load of any width reads what
 *       stores (or {@link #preset}) put there; every access is recorded</td></tr>
 *   <tr><td>0x100</td><td>report</td><td>a store records its value (a value the host checks)</td></tr>
 *   <tr><td>0x108</td><td>raise</td><td>a store raises the device's level-triggered interrupt line</td></tr>
 *   <tr><td>0x110</td><td>acknowledge</td><td>a store lowers it</td></tr>
 *   <tr><td>0x118</td><td>failure</td><td>a store records a {@link GuestFailure} code</td></tr>
 * </table>
 *
 * Any other access inside the page — a load from a register other than the scratch ones, a store
 * that starts inside a register or runs past the scratch block — reads 0, changes nothing and is
 * recorded as {@link DeviceEvent.Kind#STRAY}. The log has room for {@value #CAPACITY} events,
 * allocated up front (so a guest access allocates nothing); later ones are counted as dropped,
 * every access is counted by kind, and the first failure reported past the log is kept.
 * Thread-safe: several vCPUs may access it at once.
 */
public final class ScenarioDevice implements MmioDevice {
    /** Bytes the device occupies. */
    public static final long SIZE = 0x1000;
    /** The scratch registers. */
    public static final int DATA = 0x000;
    /** Bytes of scratch registers. */
    public static final int DATA_SIZE = 0x40;
    /** The report register. */
    public static final int REPORT = 0x100;
    /** The raise register. */
    public static final int RAISE = 0x108;
    /** The acknowledge register. */
    public static final int ACK = 0x110;
    /** The failure register. */
    public static final int FAIL = 0x118;
    /** Events the log holds. */
    public static final int CAPACITY = 256;

    private static final DeviceEvent.Kind[] KINDS = DeviceEvent.Kind.values();
    private static final AccessWidth[] WIDTHS = AccessWidth.values();

    private final String name;
    private final GuestPhysAddrRange range;
    private final InterruptLine line;
    private final byte[] data = new byte[DATA_SIZE];
    private final byte[] kinds = new byte[CAPACITY];
    private final byte[] widths = new byte[CAPACITY];
    private final int[] vcpus = new int[CAPACITY];
    private final long[] offsets = new long[CAPACITY];
    private final long[] values = new long[CAPACITY];
    private final long[] counts = new long[KINDS.length];
    private int events;
    private long dropped;
    private DeviceEvent firstFailure;

    /**
     * A device at {@code base} whose line {@code irqLine} goes to {@code interrupts}.
     *
     * @throws IllegalArgumentException when the page would wrap past the top of the address space
     */
    public ScenarioDevice(String name, long base, int irqLine, InterruptSink interrupts) {
        this.name = Objects.requireNonNull(name, "name");
        this.range = new GuestPhysAddrRange(base, SIZE);
        this.line = new InterruptLine(interrupts, irqLine, TriggerMode.LEVEL);
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

    /** The device's interrupt line. */
    public InterruptLine line() {
        return line;
    }

    /** Puts {@code value}'s low {@code width} bytes into the scratch registers at {@code offset}, for loads to find. */
    public synchronized void preset(int offset, AccessWidth width, long value) {
        if (offset < 0 || offset + width.size() > DATA_SIZE) {
            throw new IllegalArgumentException(String.format("scratch offset 0x%x (%d B) is outside 0x0..0x%x", offset,
                    width.size(), DATA_SIZE - 1));
        }
        for (int i = 0; i < width.size(); i++) {
            data[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        long offset = addr - range.start();
        synchronized (this) {
            if (inScratch(offset, width)) {
                long value = 0;
                for (int i = width.size() - 1; i >= 0; i--) {
                    value = value << 8 | (data[(int) offset + i] & 0xff);
                }
                record(DeviceEvent.Kind.DATA_READ, context.vcpuId(), offset, width, value);
                return value;
            }
            record(DeviceEvent.Kind.STRAY, context.vcpuId(), offset, width, 0);
            return 0;
        }
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        long offset = addr - range.start();
        DeviceEvent.Kind kind;
        synchronized (this) {
            if (inScratch(offset, width)) {
                for (int i = 0; i < width.size(); i++) {
                    data[(int) offset + i] = (byte) (value >>> (8 * i));
                }
                kind = DeviceEvent.Kind.DATA_WRITE;
            } else {
                kind = offset == REPORT ? DeviceEvent.Kind.REPORT
                        : offset == RAISE ? DeviceEvent.Kind.RAISE
                        : offset == ACK ? DeviceEvent.Kind.ACK
                        : offset == FAIL ? DeviceEvent.Kind.FAIL
                        : DeviceEvent.Kind.STRAY;
            }
            record(kind, context.vcpuId(), offset, width, value);
        }
        // Outside the lock: the line goes into the VM's interrupt controller, which may call back into vCPUs.
        if (kind == DeviceEvent.Kind.RAISE) {
            line.raise();
        } else if (kind == DeviceEvent.Kind.ACK) {
            line.lower();
        }
    }

    private static boolean inScratch(long offset, AccessWidth width) {
        return offset >= DATA && offset + width.size() <= DATA + DATA_SIZE;
    }

    private void record(DeviceEvent.Kind kind, int vcpu, long offset, AccessWidth width, long value) {
        counts[kind.ordinal()]++;
        if (kind == DeviceEvent.Kind.FAIL && firstFailure == null && events == CAPACITY) {
            firstFailure = new DeviceEvent(kind, vcpu, offset, width, value); // once: a failure is never lost to a full log
        }
        if (events == CAPACITY) {
            dropped++;
            return;
        }
        kinds[events] = (byte) kind.ordinal();
        widths[events] = (byte) width.ordinal();
        vcpus[events] = vcpu;
        offsets[events] = offset;
        values[events] = value;
        events++;
    }

    /** Everything recorded so far, in order. */
    public synchronized List<DeviceEvent> events() {
        List<DeviceEvent> out = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            out.add(new DeviceEvent(KINDS[kinds[i]], vcpus[i], offsets[i], WIDTHS[widths[i]], values[i]));
        }
        return List.copyOf(out);
    }

    /** The recorded events of one kind, in order. */
    public List<DeviceEvent> events(DeviceEvent.Kind kind) {
        return events().stream().filter(e -> e.kind() == kind).toList();
    }

    /** The values vCPU {@code vcpu} stored on the report register, in order. */
    public List<Long> reports(int vcpu) {
        return events().stream().filter(e -> e.kind() == DeviceEvent.Kind.REPORT && e.vcpu() == vcpu)
                .map(DeviceEvent::value).toList();
    }

    /** Every access of {@code kind} so far, logged or not. */
    public synchronized long count(DeviceEvent.Kind kind) {
        return counts[kind.ordinal()];
    }

    /** Every access so far, logged or not. */
    public synchronized long accesses() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The first failure the guest reported after the log was full, if any (those before are in the log). */
    public synchronized DeviceEvent failureBeyondTheLog() {
        return firstFailure;
    }

    /** Events that did not fit in the log. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The scratch registers' bytes now. */
    public synchronized byte[] scratch() {
        return data.clone();
    }

    @Override
    public String toString() {
        return "scenario device '" + name + "' at " + range;
    }
}
