package dev.axvm.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random valid configs for property tests: every key, our additions included, with values anywhere
 * TOML can hold them (ids and masks up to 2^63-1, names in any script, quotes and control characters).
 */
final class RandomConfigs {
    private RandomConfigs() {}

    private static final long PAGE = 0x1000;
    private static final String[] WORDS = {"uart", "gic", "virtio", "plic", "\"quoted\"", "back\\slash", "tab\there",
        "new\nline", "bell\u0007", "del\u007f", "日本語", "Ελληνικά", "emoji 🙂", "", " ", "#not a comment", "[x]", "a = 1"};

    /** A valid config, different for each seed, the same for the same seed. */
    static AxVMConfig generate(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        AxVMConfigBuilder b = AxVMConfig.builder();
        GuestArch arch = r.nextInt(4) == 0 ? null : pick(r, GuestArch.values());
        b.arch(arch);
        if ((arch == null || arch == GuestArch.X86_64) && r.nextInt(3) == 0) {
            Set<ParavirtFeature> off = new HashSet<>();
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                off.add(pick(r, ParavirtFeature.values()));
            }
            b.paravirtOff(off.toArray(ParavirtFeature[]::new));
        }
        b.id(r.nextBoolean() ? r.nextInt(16) : r.nextLong(0, Long.MAX_VALUE) + 1);
        b.name(text(r, true));
        b.vmType(pick(r, VmType.values()));
        int cpus = 1 + r.nextInt(r.nextInt(8) == 0 ? 64 : 4);
        b.cpuNum(cpus);
        if (r.nextBoolean()) {
            Set<Long> ids = new HashSet<>();
            while (ids.size() < cpus) {
                ids.add(r.nextBoolean() ? (long) ids.size() << 8 : r.nextLong(0, Long.MAX_VALUE));
            }
            b.physCpuIds(ids.stream().mapToLong(Long::longValue).toArray());
        }
        if (r.nextBoolean()) {
            long[] sets = new long[cpus];
            for (int i = 0; i < cpus; i++) {
                sets[i] = r.nextLong(1, Long.MAX_VALUE);
            }
            b.physCpuSets(sets);
        }

        // Guest RAM, then devices, laid out upwards from a random page with random gaps; everything
        // stays below 2^48, inside every architecture's guest-physical space.
        long cursor = r.nextLong(0, 1L << 36) & -PAGE;
        List<MemoryRegion> ram = new ArrayList<>();
        int regions = 1 + r.nextInt(4);
        for (int i = 0; i < regions; i++) {
            cursor += r.nextBoolean() ? 0 : r.nextLong(0, 1L << 30) & -PAGE;
            long size = (1 + r.nextLong(0, r.nextBoolean() ? 16 : 1L << 20)) * PAGE;
            MemoryRegion m = new MemoryRegion(cursor, size, r.nextInt(MemoryRegion.ALL_FLAGS + 1), pick(r, MapType.values()));
            ram.add(m);
            cursor += size;
        }
        // Written in any order: the file's order is kept, and overlap is a property of addresses, not order.
        for (int i = ram.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            MemoryRegion t = ram.get(i);
            ram.set(i, ram.get(j));
            ram.set(j, t);
        }
        ram.forEach(b::memoryRegion);

        b.kernel(path(r), inside(r, ram));
        if (r.nextBoolean()) {
            b.entryPoint(inside(r, ram));
        }
        if (r.nextBoolean()) {
            b.bios(path(r), inside(r, ram));
        }
        switch (r.nextInt(3)) {
            case 0 -> b.dtb(path(r), inside(r, ram));
            case 1 -> b.dtbLoadAddr(inside(r, ram));
            default -> { }
        }
        if (r.nextBoolean()) {
            b.ramdisk(path(r), inside(r, ram));
        }
        b.imageLocation(pick(r, ImageLocation.values()));
        if (r.nextBoolean()) {
            b.cmdline(text(r, false));
        }
        if (r.nextBoolean()) {
            b.diskPath(path(r));
        }
        if ((arch == null || arch == GuestArch.X86_64) && r.nextBoolean()) {
            b.entryMode(pick(r, X86EntryMode.values()));
        }

        int emu = r.nextInt(4);
        for (int i = 0; i < emu; i++) {
            cursor += 1 + r.nextLong(0, 1L << 20);
            EmulatedDeviceType type = pick(r, EmulatedDeviceType.values());
            boolean virtio = type.code() >= 0xE1;
            // virtio-mmio needs its 0x200-byte register window and an interrupt
            long length = (virtio ? 0x200 : 1) + r.nextLong(0, 1L << 16);
            List<Long> cfg = new ArrayList<>();
            for (int k = r.nextInt(4); k > 0; k--) {
                cfg.add(r.nextLong(0, Long.MAX_VALUE));
            }
            b.emulatedDevice(new EmulatedDeviceConfig(text(r, false), cursor, length,
                    (virtio ? 1 : 0) + r.nextLong(0, Long.MAX_VALUE - 1), type, cfg));
            cursor += length;
        }
        int pt = r.nextInt(3);
        for (int i = 0; i < pt; i++) {
            if (r.nextBoolean()) {
                b.passthroughDevice(new PassthroughDeviceConfig.DeviceTreeNode("/" + text(r, false)));
            } else {
                cursor += r.nextLong(0, 1L << 20);
                long length = 1 + r.nextLong(0, 1L << 20);
                b.passthroughDevice(new PassthroughDeviceConfig.Region(text(r, false), cursor, r.nextLong(0, Long.MAX_VALUE),
                        length, r.nextLong(0, 1024)));
                cursor += length;
            }
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            cursor += r.nextLong(0, 1L << 20);
            long length = 1 + r.nextLong(0, 1L << 20);
            b.passthroughAddress(cursor, length);
            cursor += length;
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            String[] paths = new String[r.nextInt(3)];
            for (int k = 0; k < paths.length; k++) {
                paths[k] = "/" + text(r, false);
            }
            b.excludedDevice(paths);
        }
        b.interruptMode(pick(r, InterruptMode.values()));
        b.builtinDevices(r.nextInt(4) != 0);
        b.unhandledAccess(pick(r, UnhandledAccess.values()));
        return b.build();
    }

    private static long inside(SplittableRandom r, List<MemoryRegion> ram) {
        MemoryRegion m = ram.get(r.nextInt(ram.size()));
        return m.gpa() + r.nextLong(0, m.size());
    }

    private static String path(SplittableRandom r) {
        String name = "img-" + Long.toHexString(r.nextLong()) + (r.nextBoolean() ? ".bin" : "");
        return r.nextBoolean() ? "/nonexistent-axvm-roundtrip/" + name : "nonexistent-axvm-roundtrip/" + name;
    }

    private static String text(SplittableRandom r, boolean nonBlank) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(1, 4); i > 0; i--) {
            sb.append(r.nextInt(3) == 0 ? WORDS[r.nextInt(WORDS.length)] : Character.toString(codePoint(r)));
        }
        String s = sb.toString();
        return nonBlank && s.isBlank() ? s + "vm" : s;
    }

    private static int codePoint(SplittableRandom r) {
        while (true) {
            int cp = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x20, 0x7f);
                case 1 -> r.nextInt(0, 0x20);
                case 2 -> r.nextInt(0xa0, 0xd800);
                default -> r.nextInt(0xe000, 0x110000);
            };
            if (Character.isValidCodePoint(cp)) {
                return cp;
            }
        }
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
