package dev.axvm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.addrspace.SysRegAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random sets of devices and random accesses, checked against a linear scan: the registry refuses
 * exactly the overlapping devices, finds exactly the owner, and reports misses, straddles and
 * device exceptions as statuses. Seeded; {@code -Daxvm.seed=N} replays one case.
 */
class DispatchModelTest {
    private static final int CASES = 100;
    private static final int ACCESSES = 2_000;

    /** The three kinds of device the model builds. */
    private enum Kind { MMIO, PORT, SYSREG }

    /** Answers a function of address, width and id; throws for some ids on some addresses. */
    private interface ModelDevice {
        int id();

        default long answer(long addr, AccessWidth w) {
            return addr * 0x9E37_79B9_7F4A_7C15L + id() * 31L + w.size();
        }

        default boolean throwsAt(long addr) {
            return id() % 5 == 0 && (addr & 3) == 1;
        }
    }

    private static final class MmioModel implements MmioDevice, ModelDevice {
        private final int id;
        private final GuestPhysAddrRange range;
        long lastWrite;

        MmioModel(int id, GuestPhysAddrRange range) {
            this.id = id;
            this.range = range;
        }

        @Override
        public int id() {
            return id;
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
        public long handleRead(long addr, AccessWidth w, DeviceContext c) {
            if (throwsAt(addr)) {
                throw new DeviceAccessException("model " + id + " refuses 0x" + Long.toHexString(addr));
            }
            return answer(addr, w);
        }

        @Override
        public void handleWrite(long addr, AccessWidth w, long v, DeviceContext c) {
            if (throwsAt(addr)) {
                throw new ArithmeticException("model " + id);
            }
            lastWrite = v ^ addr;
        }
    }

    private static final class PortModel implements PortDevice, ModelDevice {
        private final int id;
        private final PortRange range;
        long lastWrite;

        PortModel(int id, PortRange range) {
            this.id = id;
            this.range = range;
        }

        @Override
        public int id() {
            return id;
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
        public long handleRead(long addr, AccessWidth w, DeviceContext c) {
            if (throwsAt(addr)) {
                throw new DeviceAccessException("model " + id);
            }
            return answer(addr, w);
        }

        @Override
        public void handleWrite(long addr, AccessWidth w, long v, DeviceContext c) {
            if (throwsAt(addr)) {
                throw new NullPointerException("model " + id);
            }
            lastWrite = v ^ addr;
        }
    }

    private static final class RegModel implements SysRegDevice, ModelDevice {
        private final int id;
        private final SysRegAddrRange range;
        long lastWrite;

        RegModel(int id, SysRegAddrRange range) {
            this.id = id;
            this.range = range;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public SysRegAddrRange addressRange() {
            return range;
        }

        @Override
        public long handleRead(long addr, AccessWidth w, DeviceContext c) {
            if (throwsAt(addr)) {
                throw new IllegalStateException("model " + id);
            }
            return answer(addr, w);
        }

        @Override
        public void handleWrite(long addr, AccessWidth w, long v, DeviceContext c) {
            if (throwsAt(addr)) {
                throw new IllegalStateException("model " + id);
            }
            lastWrite = v ^ addr;
        }
    }

    @Test
    void registryAgreesWithALinearScan() {
        for (long seed : Seeds.forCases("DispatchModelTest", CASES)) {
            for (Kind kind : Kind.values()) {
                runCase(seed, kind);
            }
        }
    }

    private static void runCase(long seed, Kind kind) {
        SplittableRandom rnd = new SplittableRandom(seed * 3 + kind.ordinal());
        String where = "seed " + seed + " kind " + kind;
        AxVmDevices devices = new AxVmDevices();
        List<BaseDeviceOps<?>> model = new ArrayList<>();
        AccessOutcome out = new AccessOutcome(new DeviceContext(0, 0, new ArrayGuestMemory(0, 8)));
        int attempts = rnd.nextInt(0, 400);
        for (int i = 0; i < attempts; i++) {
            BaseDeviceOps<?> d = randomDevice(rnd, kind, i, model);
            boolean overlaps = model.stream().anyMatch(m -> m.addressRange().overlaps(d.addressRange()));
            try {
                devices.add(d);
                if (overlaps) {
                    fail(where + ": " + d.addressRange() + " overlaps but was added");
                }
                model.add(d);
            } catch (IllegalArgumentException e) {
                if (!overlaps) {
                    fail(where + ": " + d.addressRange() + " does not overlap but was refused: " + e.getMessage());
                }
            }
        }
        assertEquals(model.size(), devices.size(), where);
        for (int i = 0; i < ACCESSES; i++) {
            long addr = randomAddress(rnd, kind, model);
            AccessWidth w = AccessWidth.values()[rnd.nextInt(4)];
            boolean isWrite = rnd.nextBoolean();
            long value = rnd.nextLong();
            BaseDeviceOps<?> owner = null;
            for (BaseDeviceOps<?> m : model) {
                if (m.addressRange().contains(addr)) {
                    owner = m;
                }
            }
            AccessStatus status = dispatch(devices, kind, addr, w, isWrite, value, out);
            String access = where + " access " + i + ": " + (isWrite ? "write" : "read") + " 0x"
                    + Long.toHexString(addr) + " width " + w.size();
            if (owner == null) {
                assertEquals(AccessStatus.UNMAPPED, status, access);
                continue;
            }
            assertSame(owner, out.device(), access);
            long end = addr + w.size() - 1;
            // MMIO and ports address bytes; a system-register address names one register at any width.
            boolean fits = kind == Kind.SYSREG
                    || Long.compareUnsigned(end, addr) >= 0 && Long.compareUnsigned(end, owner.addressRange().last()) <= 0;
            ModelDevice md = (ModelDevice) owner;
            if (!fits || md.throwsAt(addr)) {
                assertEquals(AccessStatus.FAILED, status, access);
                continue;
            }
            assertEquals(AccessStatus.COMPLETED, status, access);
            if (isWrite) {
                long got = switch (owner) {
                    case MmioModel m -> m.lastWrite;
                    case PortModel m -> m.lastWrite;
                    case RegModel m -> m.lastWrite;
                    default -> throw new AssertionError(access);
                };
                assertEquals(w.truncate(value) ^ addr, got, access);
            } else {
                assertEquals(w.truncate(md.answer(addr, w)), out.value(), access);
            }
        }
    }

    private static AccessStatus dispatch(AxVmDevices d, Kind kind, long addr, AccessWidth w, boolean write, long v,
            AccessOutcome out) {
        return switch (kind) {
            case MMIO -> write ? d.mmioWrite(addr, w, v, out) : d.mmioRead(addr, w, out);
            case PORT -> write ? d.portWrite((int) addr, w, v, out) : d.portRead((int) addr, w, out);
            case SYSREG -> write ? d.sysRegWrite(addr, w, v, out) : d.sysRegRead(addr, w, out);
        };
    }

    /** Ranges are drawn near the ends of the space, near existing ranges and at random, so that overlaps are common. */
    private static BaseDeviceOps<?> randomDevice(SplittableRandom rnd, Kind kind, int id, List<BaseDeviceOps<?>> model) {
        if (kind == Kind.PORT) {
            long start = switch (rnd.nextInt(3)) {
                case 0 -> rnd.nextInt(0x10000);
                case 1 -> rnd.nextInt(0x100);
                default -> model.isEmpty() ? 0xFFFF - rnd.nextInt(0x100) : nearby(rnd, model);
            };
            int port = Math.clamp(start, 0, 0xFFFF);
            int size = 1 + rnd.nextInt(Math.min(64, 0x10000 - port));
            return new PortModel(id, new PortRange(port, size));
        }
        long start = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextLong();
            case 1 -> rnd.nextLong(0, 1L << 20);
            case 2 -> -1L - rnd.nextLong(0, 1L << 20);
            default -> model.isEmpty() ? Long.MIN_VALUE + rnd.nextLong(-512, 512) : nearby(rnd, model);
        };
        long size = 1 + rnd.nextLong(0, 1L << rnd.nextInt(0, 17));
        if (Long.compareUnsigned(start + size - 1, start) < 0) {
            size = -start; // up to and including 2^64 - 1
        }
        return kind == Kind.MMIO
                ? new MmioModel(id, new GuestPhysAddrRange(start, size))
                : new RegModel(id, new SysRegAddrRange(start, start + size - 1));
    }

    /** An address within 8 of an existing range's first or last address. */
    private static long nearby(SplittableRandom rnd, List<BaseDeviceOps<?>> model) {
        DeviceAddrRange r = model.get(rnd.nextInt(model.size())).addressRange();
        return (rnd.nextBoolean() ? r.start() : r.last()) + rnd.nextLong(-8, 9);
    }

    private static long randomAddress(SplittableRandom rnd, Kind kind, List<BaseDeviceOps<?>> model) {
        int pick = rnd.nextInt(10);
        if (model.isEmpty() || pick == 0) {
            return kind == Kind.PORT ? rnd.nextInt(-4, 0x10004) : rnd.nextLong();
        }
        DeviceAddrRange r = model.get(rnd.nextInt(model.size())).addressRange();
        return switch (pick) {
            case 1 -> r.start() - 1;
            case 2 -> r.last() + 1;
            case 3 -> r.start();
            case 4 -> r.last() - rnd.nextInt(8);
            default -> r.start() + rnd.nextLong(0, r.last() - r.start() + 1);
        };
    }
}
