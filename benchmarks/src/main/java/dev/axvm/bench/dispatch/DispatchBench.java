package dev.axvm.bench.dispatch;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.bench.BenchDefinition;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.platform.DummyDevice;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One guest access through {@link AxVmDevices} — lookup among 1,000 registered devices, the range
 * check, the device call, the outcome — as the VM's exit loop makes it. The addresses are drawn at
 * random over all devices (a new device almost every access, so the search's branches and the
 * device call site are as unpredictable as they get); the devices are of three classes, so the
 * call is megamorphic as in a real VM. Target: at most 50 ns and 0 bytes per access.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBench {
    /** {@code bin/bench dispatch}. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("dispatch",
            "axdevice: one access among 1,000 devices (lookup + call; target <= 50 ns, 0 B/op)",
            "dev\\.axvm\\.bench\\.dispatch\\.DispatchBench\\.", true, List.of(), List.of());

    private static final int DEVICES = 1_000;
    private static final int ADDRESSES = 1 << 12;
    private static final long DEVICE_SIZE = 0x1000;
    private static final int PORTS_PER_DEVICE = 0x40;

    private final AxVmDevices devices = new AxVmDevices();
    private final AccessOutcome outcome = new AccessOutcome(new DeviceContext(1, 0, new NoGuestMemory()));
    private final long[] mmioHits = new long[ADDRESSES];
    private final long[] mmioMisses = new long[ADDRESSES];
    private final int[] portHits = new int[ADDRESSES];
    private int next;

    /** Registers 1,000 MMIO devices at random gaps and 1,000 port devices, and draws the addresses. */
    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(0xD15_BA7CL);
        long[] bases = new long[DEVICES];
        long base = 0x1_0000_0000L;
        for (int i = 0; i < DEVICES; i++) {
            base += DEVICE_SIZE * (2 + rnd.nextInt(3));
            bases[i] = base;
            devices.add(switch (i % 3) {
                case 0 -> new ScratchDevice(base, DEVICE_SIZE);
                case 1 -> new CounterDevice(base, DEVICE_SIZE);
                default -> new DummyDevice("dummy" + i, new GuestPhysAddrRange(base, DEVICE_SIZE));
            });
            devices.add(new LatchPortDevice(i * PORTS_PER_DEVICE, PORTS_PER_DEVICE));
        }
        for (int i = 0; i < ADDRESSES; i++) {
            int d = rnd.nextInt(DEVICES);
            mmioHits[i] = bases[d] + (rnd.nextLong(DEVICE_SIZE) & ~7L);
            // Each device is followed by a gap of at least one device size, so base - 8 .. base - size is unmapped.
            mmioMisses[i] = bases[d] - 8 - (rnd.nextLong(DEVICE_SIZE - 8) & ~7L);
            portHits[i] = d * PORTS_PER_DEVICE + rnd.nextInt(PORTS_PER_DEVICE / 4) * 4;
        }
        for (long a : mmioMisses) {
            if (devices.findMmio(a) != null) {
                throw new IllegalStateException("miss address 0x" + Long.toHexString(a) + " is mapped");
            }
        }
    }

    private int index() {
        int i = next;
        next = (i + 1) & (ADDRESSES - 1);
        return i;
    }

    /** An MMIO load served by one of the 1,000 devices. */
    @Benchmark
    public long mmioRead() {
        AccessStatus s = devices.mmioRead(mmioHits[index()], AccessWidth.QWORD, outcome);
        return outcome.value() + s.ordinal();
    }

    /** An MMIO store served by one of the 1,000 devices. */
    @Benchmark
    public int mmioWrite() {
        int i = index();
        return devices.mmioWrite(mmioHits[i], AccessWidth.DWORD, i, outcome).ordinal();
    }

    /** A port {@code in} served by one of the 1,000 port devices. */
    @Benchmark
    public long portRead() {
        AccessStatus s = devices.portRead(portHits[index()], AccessWidth.DWORD, outcome);
        return outcome.value() + s.ordinal();
    }

    /** An MMIO load that no device owns: reported as UNMAPPED. */
    @Benchmark
    public int mmioReadUnmapped() {
        return devices.mmioRead(mmioMisses[index()], AccessWidth.QWORD, outcome).ordinal();
    }
}
