package dev.axvm.config.internal;

import static dev.axvm.config.internal.Addresses.hex;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.BaseConfig;
import dev.axvm.config.ConfigError;
import dev.axvm.config.ConfigException;
import dev.axvm.config.ConfigLocation;
import dev.axvm.config.ConfigOrigin;
import dev.axvm.config.ConfigWarning;
import dev.axvm.config.DevicesConfig;
import dev.axvm.config.DiskImageConfig;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.KernelConfig;
import dev.axvm.config.LoadedConfig;
import dev.axvm.config.MapType;
import dev.axvm.config.MemoryRegion;
import dev.axvm.config.ParavirtFeature;
import dev.axvm.config.PassthroughAddressConfig;
import dev.axvm.config.PassthroughDeviceConfig;
import dev.axvm.config.UnhandledAccess;
import dev.axvm.config.VmType;
import dev.axvm.config.X86EntryMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlKeyValue;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * TOML text to a validated {@link AxVMConfig}: checks every value's type and shape, records where each
 * was written, warns about keys it does not know, then lets {@link ConfigRules} judge the whole.
 * Mistakes are collected, not thrown one by one, so that a file's every mistake is reported at once.
 */
public final class TomlConfigReader {
    private static final String MAX_TOML_INTEGER = "0x7fff_ffff_ffff_ffff";
    private static final Map<EmulatedDeviceType, String> AXVISOR_DEVICE_NAMES = Map.ofEntries(
            Map.entry(EmulatedDeviceType.DUMMY, "Dummy"),
            Map.entry(EmulatedDeviceType.INTERRUPT_CONTROLLER, "InterruptController"),
            Map.entry(EmulatedDeviceType.CONSOLE, "Console"),
            Map.entry(EmulatedDeviceType.IVC_CHANNEL, "IVCChannel"),
            Map.entry(EmulatedDeviceType.GPPT_REDISTRIBUTOR, "GPPTRedistributor"),
            Map.entry(EmulatedDeviceType.GPPT_DISTRIBUTOR, "GPPTDistributor"),
            Map.entry(EmulatedDeviceType.GPPT_ITS, "GPPTITS"),
            Map.entry(EmulatedDeviceType.PPPT_GLOBAL, "PPPTGlobal"),
            Map.entry(EmulatedDeviceType.VIRTIO_BLK, "VirtioBlk"),
            Map.entry(EmulatedDeviceType.VIRTIO_NET, "VirtioNet"),
            Map.entry(EmulatedDeviceType.VIRTIO_CONSOLE, "VirtioConsole"),
            Map.entry(EmulatedDeviceType.VIRTIO_RNG, "VirtioRng (ours)"));

    /** Other names people give the architectures, offered as "did you mean" (not accepted: AxVisor has one spelling each). */
    private static final Map<String, String> SPELLING_HINTS = Map.of("amd64", "x86_64", "x86-64", "x86_64", "x64", "x86_64",
            "arm64", "aarch64", "riscv", "riscv64", "rv64", "riscv64");

    private final String source;
    private final List<ConfigError> errors = new ArrayList<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final Map<String, ConfigLocation> positions = new HashMap<>();

    private TomlConfigReader(String source) {
        this.source = source;
    }

    /**
     * Reads {@code text}, named {@code source} in messages, read from {@code file} when given.
     *
     * @throws ConfigException with every mistake found, and the warnings found on the way
     */
    public static LoadedConfig read(String text, String source, Optional<Path> file) {
        return new TomlConfigReader(source).run(text, file);
    }

    /** AxVisor's name for an emulated device type, as its files' comments write it. */
    public static String axvisorName(EmulatedDeviceType t) {
        return AXVISOR_DEVICE_NAMES.get(t);
    }

    private LoadedConfig run(String text, Optional<Path> file) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            throw new ConfigException(toml.errors().stream().map(this::syntaxError).toList());
        }
        if (toml.isEmpty()) {
            throw ConfigException.of(new ConfigLocation(source, 1, 1), "file", "empty",
                    "a VM config with [base], [kernel] and [devices] tables");
        }
        for (String key : toml.keySet()) {
            if (!ConfigSchema.TABLES.contains(key)) {
                unknown("", key, keyPosition(toml, "", key));
            }
        }
        TomlTable base = table(toml, "base", "a [base] table with id, name and cpu_num");
        TomlTable kernel = table(toml, "kernel",
                "a [kernel] table with entry_point, kernel_path, kernel_load_addr and memory_regions");
        TomlTable devices = table(toml, "devices", null);
        BaseConfig b = base == null ? null : base(base);
        KernelConfig k = kernel == null ? null : kernel(kernel);
        DevicesConfig d = devices == null ? DevicesConfig.DEFAULT : devices(devices);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors, warnings);
        }
        if (b == null || k == null || d == null) {
            throw new IllegalStateException("a table failed to read without an error: " + source);
        }
        AxVMConfig config;
        try {
            config = new AxVMConfig(b, k, d, new ConfigOrigin(source, file, positions));
        } catch (ConfigException e) {
            throw e.withWarnings(warnings);
        }
        return new LoadedConfig(config, warnings);
    }

    // ---- tables

    private TomlTable table(TomlTable root, String name, String expectedWhenMissing) {
        Object v = root.get(List.of(name));
        if (v == null) {
            if (expectedWhenMissing != null) {
                error(name, new ConfigLocation(source, 1, 1), "missing", expectedWhenMissing);
            }
            return null;
        }
        ConfigLocation at = at(root.inputPositionOf(List.of(name)));
        positions.put(name, at);
        if (v instanceof TomlTable t) {
            for (String key : t.keySet()) {
                if (!ConfigSchema.KEYS.get(name).contains(key)) {
                    unknown(name, key, keyPosition(t, name, key));
                }
            }
            return t;
        }
        if (v instanceof TomlArray a && !a.isEmpty() && a.get(0) instanceof TomlTable) {
            error(name, at, "is an array of tables, [[" + name + "]]", "a single [" + name + "] table");
        } else {
            error(name, at, "is " + describe(v), "a [" + name + "] table");
        }
        return null;
    }

    private BaseConfig base(TomlTable t) {
        int before = errors.size();
        Long id = unsigned(t, "base", "id", "id = <VM id>, e.g. id = 1", "a VM id");
        String name = string(t, "base", "name", "name = \"<VM name>\"");
        VmType vmType = VmType.RTOS;
        Long vt = unsigned(t, "base", "vm_type", null, "a VM type");
        if (vt != null) {
            vmType = VmType.ofCode(vt);
            if (vmType == null) {
                error("base.vm_type", vt + " is not a VM type", "0 host VM, 1 RTOS or 2 Linux");
            }
        }
        Long cpuNum = unsigned(t, "base", "cpu_num", "cpu_num = <number of vCPUs>, e.g. cpu_num = 1", "a number of vCPUs");
        if (cpuNum != null && cpuNum > ConfigRules.MAX_VCPUS) {
            Problem p = ConfigRules.cpuNumProblem(cpuNum);
            error("base.cpu_num", p.what(), p.expected());
        }
        List<Long> ids = unsignedList(t, "base", "phys_cpu_ids", "a physical CPU id", "one physical CPU id per vCPU");
        List<Long> sets = unsignedList(t, "base", "phys_cpu_sets", "an affinity mask", "one affinity mask per vCPU");
        GuestArch arch = named(t, "base", "arch", "an architecture", GuestArch.values(), GuestArch::tomlName,
                GuestArch::ofTomlName);
        Set<ParavirtFeature> paravirtOff = paravirtOff(t);
        if (errors.size() != before) {
            return null;
        }
        return new BaseConfig(id, name, vmType, cpuNum.intValue(), ids == null ? List.of() : ids,
                sets == null ? List.of() : sets, Optional.ofNullable(arch), paravirtOff);
    }

    private Set<ParavirtFeature> paravirtOff(TomlTable t) {
        TomlArray a = array(t, "base", "paravirt_off", null, "an array of feature names, e.g. [\"kvm-pv-eoi\"]");
        if (a == null) {
            return Set.of();
        }
        Set<ParavirtFeature> out = EnumSet.noneOf(ParavirtFeature.class);
        for (int i = 0; i < a.size(); i++) {
            String f = "base.paravirt_off[" + i + "]";
            String s = stringAt(a, i, f, "a paravirtual feature name");
            if (s != null) {
                ParavirtFeature p = ParavirtFeature.ofTomlName(s);
                if (p == null) {
                    error(f, "\"" + Quoting.shorten(s) + "\" is not a KVM paravirtual feature",
                            oneOf(ParavirtFeature.values(), ParavirtFeature::tomlName, s));
                } else {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private KernelConfig kernel(TomlTable t) {
        int before = errors.size();
        Long entry = unsigned(t, "kernel", "entry_point", "entry_point = <guest-physical address the vCPU starts at>",
                "an address");
        String kernelPath = string(t, "kernel", "kernel_path", "kernel_path = \"<kernel image>\"");
        Long kernelLoad = unsigned(t, "kernel", "kernel_load_addr",
                "kernel_load_addr = <guest-physical address to load the kernel at>", "an address");
        String biosPath = string(t, "kernel", "bios_path", null);
        Long biosLoad = unsigned(t, "kernel", "bios_load_addr", null, "an address");
        String dtbPath = string(t, "kernel", "dtb_path", null);
        Long dtbLoad = unsigned(t, "kernel", "dtb_load_addr", null, "an address");
        String ramdiskPath = string(t, "kernel", "ramdisk_path", null);
        Long ramdiskLoad = unsigned(t, "kernel", "ramdisk_load_addr", null, "an address");
        ImageLocation location = named(t, "kernel", "image_location", "an image location", ImageLocation.values(),
                ImageLocation::tomlName, ImageLocation::ofTomlName);
        String cmdline = string(t, "kernel", "cmdline", null);
        String diskPath = string(t, "kernel", "disk_path", null);
        X86EntryMode entryMode = named(t, "kernel", "entry_mode", "an x86 entry mode", X86EntryMode.values(),
                X86EntryMode::tomlName, X86EntryMode::ofTomlName);
        List<MemoryRegion> regions = memoryRegions(t);
        if (errors.size() != before) {
            return null;
        }
        return new KernelConfig(entry, kernelPath, kernelLoad, Optional.ofNullable(biosPath), optional(biosLoad),
                Optional.ofNullable(dtbPath), optional(dtbLoad), Optional.ofNullable(ramdiskPath), optional(ramdiskLoad),
                location == null ? ImageLocation.FS : location, Optional.ofNullable(cmdline),
                Optional.ofNullable(diskPath), regions, Optional.ofNullable(entryMode));
    }

    private DevicesConfig devices(TomlTable t) {
        int before = errors.size();
        List<EmulatedDeviceConfig> emu = emuDevices(t);
        List<PassthroughDeviceConfig> pt = passthroughDevices(t);
        List<PassthroughAddressConfig> addrs = passthroughAddresses(t);
        List<List<String>> excluded = excludedDevices(t);
        List<String> modeNames = Arrays.stream(InterruptMode.values()).flatMap(m -> m.spellings().stream()).toList();
        InterruptMode mode = named(t, "devices", "interrupt_mode", "an interrupt mode", modeNames.toArray(String[]::new),
                Function.identity(), InterruptMode::ofTomlName);
        Boolean builtin = bool(t, "devices", "builtin_devices");
        UnhandledAccess unhandled = named(t, "devices", "unhandled_access", "an unhandled-access policy",
                UnhandledAccess.values(), UnhandledAccess::tomlName, UnhandledAccess::ofTomlName);
        List<DiskImageConfig> disks = diskImages(t);
        if (errors.size() != before) {
            return null;
        }
        return new DevicesConfig(emu, pt, addrs, excluded, mode == null ? InterruptMode.NO_IRQ : mode,
                builtin == null || builtin, unhandled == null ? UnhandledAccess.IGNORE : unhandled, disks);
    }

    // ---- tuples

    private List<MemoryRegion> memoryRegions(TomlTable t) {
        String shape = "[gpa, size, flags, map_type]";
        TomlArray a = array(t, "kernel", "memory_regions",
                "memory_regions = [ " + shape + ", ... ] describing guest RAM", "an array of " + shape + " regions");
        if (a == null) {
            return List.of();
        }
        List<MemoryRegion> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String f = "kernel.memory_regions[" + i + "]";
            TomlArray r = tuple(a, i, f, 4, 4, shape);
            if (r == null) {
                continue;
            }
            Long gpa = unsignedAt(r, 0, f + ".gpa", "an address");
            Long size = unsignedAt(r, 1, f + ".size", "a size in bytes");
            Long flags = unsignedAt(r, 2, f + ".flags", "mapping flags");
            if (flags != null && (flags & ~(long) MemoryRegion.ALL_FLAGS) != 0) {
                Problem p = ConfigRules.flagsProblem(flags);
                error(f + ".flags", p.what(), p.expected());
                flags = null;
            }
            Long mt = unsignedAt(r, 3, f + ".map_type", "a mapping type");
            MapType mapType = mt == null ? null : MapType.ofCode(mt);
            if (mt != null && mapType == null) {
                error(f + ".map_type", mt + " is not a mapping type", "0 MapAlloc, 1 MapIdentical or 2 MapReserved");
            }
            if (gpa != null && size != null && flags != null && mapType != null) {
                out.add(new MemoryRegion(gpa, size, flags.intValue(), mapType));
            }
        }
        return out;
    }

    private List<EmulatedDeviceConfig> emuDevices(TomlTable t) {
        String shape = "[name, base_gpa, length, irq_id, emu_type, cfg_list]";
        TomlArray a = array(t, "devices", "emu_devices", null, "an array of " + shape + " devices");
        if (a == null) {
            return List.of();
        }
        List<EmulatedDeviceConfig> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String f = "devices.emu_devices[" + i + "]";
            TomlArray d = tuple(a, i, f, 6, 6, shape);
            if (d == null) {
                continue;
            }
            String name = stringAt(d, 0, f + ".name", "the device's name");
            Long base = unsignedAt(d, 1, f + ".base_gpa", "an address");
            Long length = unsignedAt(d, 2, f + ".length", "a length in bytes");
            Long irq = unsignedAt(d, 3, f + ".irq_id", "an interrupt number");
            Long code = unsignedAt(d, 4, f + ".emu_type", "an emulated device type");
            EmulatedDeviceType type = code == null ? null : EmulatedDeviceType.ofCode(code);
            if (code != null && type == null) {
                error(f + ".emu_type", hex(code) + " is not an emulated device type", Arrays.stream(EmulatedDeviceType.values())
                        .map(e -> hex(e.code()) + " " + axvisorName(e)).collect(Collectors.joining(", ")));
            }
            List<Long> cfg = null;
            Object c = element(d, 5, f + ".cfg_list");
            if (c instanceof TomlArray ca) {
                cfg = unsignedElements(ca, f + ".cfg_list", "a number");
            } else if (c != null) {
                error(f + ".cfg_list", "is " + describe(c), "an array of numbers, e.g. [] or [2]");
            }
            if (name != null && base != null && length != null && irq != null && type != null && cfg != null) {
                out.add(new EmulatedDeviceConfig(name, base, length, irq, type, cfg));
            }
        }
        return out;
    }

    private List<DiskImageConfig> diskImages(TomlTable t) {
        String shape = "[name, path] or [name, path, read_only]";
        TomlArray a = array(t, "devices", "disk_images", null, "an array of " + shape + " entries");
        if (a == null) {
            return List.of();
        }
        List<DiskImageConfig> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String f = "devices.disk_images[" + i + "]";
            TomlArray d = tuple(a, i, f, 2, 3, shape);
            if (d == null) {
                continue;
            }
            String name = stringAt(d, 0, f + ".name", "the name of a VirtioBlk (0xE1) entry of emu_devices");
            String path = stringAt(d, 1, f + ".path", "the image file's path");
            Boolean readOnly = Boolean.FALSE;
            if (d.size() == 3) {
                Object ro = element(d, 2, f + ".read_only");
                if (ro instanceof Boolean b) {
                    readOnly = b;
                } else if (ro != null) {
                    error(f + ".read_only", "is " + describe(ro), "true or false");
                    readOnly = null;
                }
            }
            if (name != null && path != null && readOnly != null) {
                out.add(new DiskImageConfig(name, path, readOnly));
            }
        }
        return out;
    }

    private List<PassthroughDeviceConfig> passthroughDevices(TomlTable t) {
        String shape = "[\"/device-tree/path\"] or [name, base_gpa, base_hpa, length, irq_id]";
        TomlArray a = array(t, "devices", "passthrough_devices", null, "an array of " + shape + " entries");
        if (a == null) {
            return List.of();
        }
        List<PassthroughDeviceConfig> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String f = "devices.passthrough_devices[" + i + "]";
            TomlArray d = tuple(a, i, f, 1, 5, shape);
            if (d == null) {
                continue;
            }
            if (d.size() == 1) {
                String path = stringAt(d, 0, f + ".name", "a device-tree path such as \"/\"");
                if (path != null) {
                    out.add(new PassthroughDeviceConfig.DeviceTreeNode(path));
                }
                continue;
            }
            if (d.size() != 5) {
                error(f, "has " + d.size() + " elements", "1 or 5 elements: " + shape);
                continue;
            }
            String name = stringAt(d, 0, f + ".name", "the device's name");
            Long gpa = unsignedAt(d, 1, f + ".base_gpa", "an address");
            Long hpa = unsignedAt(d, 2, f + ".base_hpa", "an address");
            Long length = unsignedAt(d, 3, f + ".length", "a length in bytes");
            Long irq = unsignedAt(d, 4, f + ".irq_id", "an interrupt number");
            if (name != null && gpa != null && hpa != null && length != null && irq != null) {
                out.add(new PassthroughDeviceConfig.Region(name, gpa, hpa, length, irq));
            }
        }
        return out;
    }

    private List<PassthroughAddressConfig> passthroughAddresses(TomlTable t) {
        String shape = "[base_gpa, length]";
        TomlArray a = array(t, "devices", "passthrough_addresses", null, "an array of " + shape + " ranges");
        if (a == null) {
            return List.of();
        }
        List<PassthroughAddressConfig> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String f = "devices.passthrough_addresses[" + i + "]";
            TomlArray r = tuple(a, i, f, 2, 2, shape);
            if (r == null) {
                continue;
            }
            Long gpa = unsignedAt(r, 0, f + ".base_gpa", "an address");
            Long length = unsignedAt(r, 1, f + ".length", "a length in bytes");
            if (gpa != null && length != null) {
                out.add(new PassthroughAddressConfig(gpa, length));
            }
        }
        return out;
    }

    private List<List<String>> excludedDevices(TomlTable t) {
        TomlArray a = array(t, "devices", "excluded_devices", null, "an array of [\"/device-tree/path\", ...] entries");
        if (a == null) {
            return List.of();
        }
        List<List<String>> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String f = "devices.excluded_devices[" + i + "]";
            TomlArray paths = tuple(a, i, f, 0, Integer.MAX_VALUE, "[\"/device-tree/path\", ...]");
            if (paths == null) {
                continue;
            }
            List<String> entry = new ArrayList<>(paths.size());
            for (int k = 0; k < paths.size(); k++) {
                String p = stringAt(paths, k, f + "[" + k + "]", "a device-tree path");
                if (p != null) {
                    entry.add(p);
                }
            }
            out.add(entry);
        }
        return out;
    }

    // ---- values

    private Object value(TomlTable t, String table, String key, String expectedWhenMissing) {
        String field = table + "." + key;
        Object v = t.get(List.of(key));
        if (v == null) {
            if (expectedWhenMissing != null) {
                error(field, positions.getOrDefault(table, new ConfigLocation(source, 1, 1)), "missing", expectedWhenMissing);
            }
            return null;
        }
        TomlKeyValue kv = t.entry(List.of(key));
        TomlPosition p = kv != null && kv.value() != null ? kv.value().position() : t.inputPositionOf(List.of(key));
        positions.put(field, at(p));
        return v;
    }

    private Long unsigned(TomlTable t, String table, String key, String expectedWhenMissing, String what) {
        Object v = value(t, table, key, expectedWhenMissing);
        return v == null ? null : unsignedValue(v, table + "." + key, what);
    }

    private Long unsignedValue(Object v, String field, String what) {
        if (v instanceof Long l) {
            if (l < 0) {
                error(field, l + " is negative", what + " from 0 to " + MAX_TOML_INTEGER);
                return null;
            }
            return l;
        }
        error(field, "is " + describe(v), what + ", as an integer");
        return null;
    }

    private String string(TomlTable t, String table, String key, String expectedWhenMissing) {
        Object v = value(t, table, key, expectedWhenMissing);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        error(table + "." + key, "is " + describe(v), "a string");
        return null;
    }

    private Boolean bool(TomlTable t, String table, String key) {
        Object v = value(t, table, key, null);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        error(table + "." + key, "is " + describe(v), "true or false");
        return null;
    }

    /** An enumerated string; {@code names} are the spellings offered in the message. */
    private <E, N> E named(TomlTable t, String table, String key, String noun, N[] names, Function<N, String> spelling,
            Function<String, E> parse) {
        String s = string(t, table, key, null);
        if (s == null) {
            return null;
        }
        E e = parse.apply(s);
        if (e == null) {
            error(table + "." + key, "\"" + Quoting.shorten(s) + "\" is not " + noun, oneOf(names, spelling, s));
        }
        return e;
    }

    /** "one of ..." listing {@code names}, with the nearest to {@code s} suggested. */
    private static <N> String oneOf(N[] names, Function<N, String> spelling, String s) {
        List<String> spellings = Arrays.stream(names).map(spelling).toList();
        return "one of " + spellings.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "))
                + Optional.ofNullable(SPELLING_HINTS.get(s)).filter(spellings::contains)
                        .or(() -> KeySuggestion.nearest(s, spellings)).map(n -> "; did you mean \"" + n + "\"?").orElse("");
    }

    private TomlArray array(TomlTable t, String table, String key, String expectedWhenMissing, String expected) {
        Object v = value(t, table, key, expectedWhenMissing);
        if (v == null || v instanceof TomlArray) {
            return (TomlArray) v;
        }
        error(table + "." + key, "is " + describe(v), expected);
        return null;
    }

    private List<Long> unsignedList(TomlTable t, String table, String key, String what, String expected) {
        TomlArray a = array(t, table, key, null, "an array with " + expected);
        if (a == null) {
            return null;
        }
        if (a.isEmpty()) {
            error(table + "." + key, "empty", expected + ", or no " + key + " key");
            return null;
        }
        return unsignedElements(a, table + "." + key, what);
    }

    private List<Long> unsignedElements(TomlArray a, String field, String what) {
        List<Long> out = new ArrayList<>(a.size());
        boolean ok = true;
        for (int i = 0; i < a.size(); i++) {
            Long v = unsignedAt(a, i, field + "[" + i + "]", what);
            if (v == null) {
                ok = false;
            } else {
                out.add(v);
            }
        }
        return ok ? out : null;
    }

    private Object element(TomlArray a, int i, String field) {
        positions.put(field, at(a.inputPositionOf(i)));
        return a.get(i);
    }

    private Long unsignedAt(TomlArray a, int i, String field, String what) {
        return unsignedValue(element(a, i, field), field, what);
    }

    private String stringAt(TomlArray a, int i, String field, String expected) {
        Object v = element(a, i, field);
        if (v instanceof String s) {
            return s;
        }
        error(field, "is " + describe(v), expected + ", as a string");
        return null;
    }

    /** Element {@code i} of {@code a} as an array of {@code min..max} elements, or null after reporting why not. */
    private TomlArray tuple(TomlArray a, int i, String field, int min, int max, String shape) {
        Object v = element(a, i, field);
        if (!(v instanceof TomlArray tuple)) {
            error(field, "is " + describe(v), shape);
            return null;
        }
        if (tuple.size() < min || tuple.size() > max) {
            String count = min == max ? String.valueOf(min) : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
            error(field, "has " + tuple.size() + (tuple.size() == 1 ? " element" : " elements"), count + " elements: " + shape);
            return null;
        }
        return tuple;
    }

    static String describe(Object v) {
        return switch (v) {
            case String s -> "the string \"" + Quoting.shorten(s) + "\"";
            case Long l -> "the integer " + (l < 1024 ? String.valueOf(l) : hex(l));
            case Double d -> "the float " + d;
            case Boolean b -> "the boolean " + b;
            case TomlArray a -> a.isEmpty() ? "an empty array" : "an array";
            case TomlTable t -> "a table";
            default -> "the date or time " + v;
        };
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    // ---- diagnostics

    private void unknown(String table, String key, ConfigLocation at) {
        String shown = key.matches("[A-Za-z0-9_-]+") ? key : "\"" + Quoting.shorten(key) + "\"";
        String field = table.isEmpty() ? shown : table + "." + shown;
        Optional<String> home = ConfigSchema.tableOf(key);
        String advice;
        if (home.isPresent() && !home.get().equals(table)) {
            advice = "ignored; " + key + " belongs in [" + home.get() + "]";
        } else if (table.isEmpty()) {
            advice = KeySuggestion.nearest(key, ConfigSchema.TABLES).map(n -> "ignored; did you mean [" + n + "]?")
                    .orElse("ignored; a config has [base], [kernel] and [devices] tables");
        } else {
            advice = KeySuggestion.nearest(key, ConfigSchema.KEYS.get(table)).map(n -> "ignored; did you mean " + n + "?")
                    .or(() -> otherTableSuggestion(key)).orElse("ignored");
        }
        String what = table.isEmpty() ? "unknown table" : "unknown key";
        warnings.add(new ConfigWarning(ConfigWarning.Kind.UNKNOWN_KEY, at, field, what, advice));
    }

    private static Optional<String> otherTableSuggestion(String key) {
        for (String t : ConfigSchema.TABLES) {
            Optional<String> n = KeySuggestion.nearest(key, ConfigSchema.KEYS.get(t));
            if (n.isPresent()) {
                return Optional.of("ignored; did you mean " + n.get() + " in [" + t + "]?");
            }
        }
        return Optional.empty();
    }

    private ConfigLocation keyPosition(TomlTable t, String table, String key) {
        TomlPosition p = t.inputPositionOf(List.of(key));
        return p != null ? at(p) : positions.getOrDefault(table, new ConfigLocation(source, 1, 1));
    }

    private ConfigError syntaxError(TomlParseError e) {
        String m = String.valueOf(e.getMessage());
        String problem;
        String expected;
        int cut = m.indexOf(", expected ");
        if (m.startsWith("Integer is too large")) {
            problem = "integer is too large";
            expected = "at most " + MAX_TOML_INTEGER + ": TOML integers are signed 64-bit";
        } else if (cut > 0) {
            problem = lower(m.substring(0, cut));
            expected = m.substring(cut + ", expected ".length()).strip();
            if (expected.isEmpty()) {
                expected = "valid TOML"; // tomlj names nothing after a stray character inside an array
            }
        } else if (m.contains("previously defined")) {
            problem = m;
            expected = "each key and table defined once";
        } else {
            problem = lower(m);
            expected = "valid TOML";
        }
        return new ConfigError(at(e.position()), "toml", problem, expected);
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private void error(String field, String problem, String expected) {
        error(field, locate(field), problem, expected);
    }

    private void error(String field, ConfigLocation at, String problem, String expected) {
        errors.add(new ConfigError(at, field, problem, expected));
    }

    private ConfigLocation locate(String field) {
        for (String f = field; f != null; f = FieldPaths.parent(f)) {
            ConfigLocation l = positions.get(f);
            if (l != null) {
                return l;
            }
        }
        return ConfigLocation.of(source);
    }

    private ConfigLocation at(TomlPosition p) {
        return p == null ? new ConfigLocation(source, 1, 1) : new ConfigLocation(source, p.line(), p.column());
    }
}
