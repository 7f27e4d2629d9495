package dev.axvm.config.internal;

import static dev.axvm.config.internal.Addresses.hex;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.BaseConfig;
import dev.axvm.config.DevicesConfig;
import dev.axvm.config.DiskImageConfig;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.ImageKind;
import dev.axvm.config.KernelConfig;
import dev.axvm.config.MemoryRegion;
import dev.axvm.config.PassthroughAddressConfig;
import dev.axvm.config.PassthroughDeviceConfig;
import dev.axvm.config.UnhandledAccess;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A config back to TOML, in AxVisor's layout: hex addresses with underscores, one tuple per line.
 * Our additions are written only when they differ from their defaults, so a config that uses none
 * of them comes out as a file AxVisor itself can read.
 */
public final class TomlConfigWriter {
    private final StringBuilder out = new StringBuilder(1024);

    private TomlConfigWriter() {}

    /** The TOML text of {@code config}. */
    public static String write(AxVMConfig config) {
        TomlConfigWriter w = new TomlConfigWriter();
        w.base(config.base());
        w.kernel(config.kernel());
        w.devices(config.devices());
        return w.out.toString();
    }

    private void base(BaseConfig b) {
        out.append("[base]\n");
        key("id").append(decimal("base.id", b.id())).append('\n');
        key("name").append(quote(b.name())).append('\n');
        key("vm_type").append(b.vmType().code()).append('\n');
        key("cpu_num").append(b.cpuNum()).append('\n');
        if (!b.physCpuIds().isEmpty()) {
            key("phys_cpu_ids").append(numbers("base.phys_cpu_ids", b.physCpuIds())).append('\n');
        }
        if (!b.physCpuSets().isEmpty()) {
            key("phys_cpu_sets").append(numbers("base.phys_cpu_sets", b.physCpuSets())).append('\n');
        }
        b.arch().ifPresent(a -> key("arch").append(quote(a.tomlName())).append('\n'));
        if (!b.paravirtOff().isEmpty()) {
            key("paravirt_off").append(b.paravirtOff().stream().map(f -> quote(f.tomlName()))
                    .collect(Collectors.joining(", ", "[", "]"))).append('\n');
        }
    }

    private void kernel(KernelConfig k) {
        out.append("\n[kernel]\n");
        key("entry_point").append(number("kernel.entry_point", k.entryPoint())).append('\n');
        for (ImageKind kind : ImageKind.values()) {
            optionalString(kind.pathKey(), k.path(kind));
            OptionalLong a = k.loadAddr(kind);
            if (a.isPresent()) {
                key(kind.loadAddrKey()).append(number("kernel." + kind.loadAddrKey(), a.getAsLong())).append('\n');
            }
        }
        key("image_location").append(quote(k.imageLocation().tomlName())).append('\n');
        optionalString("cmdline", k.cmdline());
        optionalString("disk_path", k.diskPath());
        k.entryMode().ifPresent(m -> key("entry_mode").append(quote(m.tomlName())).append('\n'));
        out.append("memory_regions = [\n");
        for (int i = 0; i < k.memoryRegions().size(); i++) {
            MemoryRegion r = k.memoryRegions().get(i);
            String f = "kernel.memory_regions[" + i + "]";
            out.append("  [").append(number(f + ".gpa", r.gpa())).append(", ").append(number(f + ".size", r.size())).append(", ")
                    .append(hex(Integer.toUnsignedLong(r.flags()))).append(", ").append(r.mapType().code()).append("],\n");
        }
        out.append("]\n");
    }

    private void devices(DevicesConfig d) {
        out.append("\n[devices]\n");
        out.append("emu_devices = [\n");
        for (int i = 0; i < d.emuDevices().size(); i++) {
            EmulatedDeviceConfig e = d.emuDevices().get(i);
            String f = "devices.emu_devices[" + i + "]";
            out.append("  [").append(quote(e.name())).append(", ").append(number(f + ".base_gpa", e.baseGpa())).append(", ")
                    .append(number(f + ".length", e.length())).append(", ").append(number(f + ".irq_id", e.irqId())).append(", ")
                    .append(hex(e.emuType().code())).append(", ").append(numbers(f + ".cfg_list", e.cfgList())).append("],\n");
        }
        out.append("]\n");
        out.append("passthrough_devices = [\n");
        for (int i = 0; i < d.passthroughDevices().size(); i++) {
            String f = "devices.passthrough_devices[" + i + "]";
            switch (d.passthroughDevices().get(i)) {
                case PassthroughDeviceConfig.DeviceTreeNode n -> out.append("  [").append(quote(n.path())).append("],\n");
                case PassthroughDeviceConfig.Region r -> out.append("  [").append(quote(r.name())).append(", ")
                        .append(number(f + ".base_gpa", r.baseGpa())).append(", ").append(number(f + ".base_hpa", r.baseHpa()))
                        .append(", ").append(number(f + ".length", r.length())).append(", ")
                        .append(number(f + ".irq_id", r.irqId())).append("],\n");
            }
        }
        out.append("]\n");
        out.append("passthrough_addresses = [\n");
        for (int i = 0; i < d.passthroughAddresses().size(); i++) {
            PassthroughAddressConfig a = d.passthroughAddresses().get(i);
            String f = "devices.passthrough_addresses[" + i + "]";
            out.append("  [").append(number(f + ".base_gpa", a.baseGpa())).append(", ").append(number(f + ".length", a.length()))
                    .append("],\n");
        }
        out.append("]\n");
        if (!d.diskImages().isEmpty()) {
            out.append("disk_images = [\n");
            for (DiskImageConfig img : d.diskImages()) {
                out.append("  [").append(quote(img.name())).append(", ").append(quote(img.path()))
                        .append(img.readOnly() ? ", true" : "").append("],\n");
            }
            out.append("]\n");
        }
        out.append("excluded_devices = [\n");
        for (List<String> paths : d.excludedDevices()) {
            out.append("  [");
            for (int i = 0; i < paths.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(quote(paths.get(i)));
            }
            out.append("],\n");
        }
        out.append("]\n");
        key("interrupt_mode").append(quote(d.interruptMode().tomlName())).append('\n');
        if (!d.builtinDevices()) {
            key("builtin_devices").append("false\n");
        }
        if (d.unhandledAccess() != UnhandledAccess.IGNORE) {
            key("unhandled_access").append(quote(d.unhandledAccess().tomlName())).append('\n');
        }
    }

    private StringBuilder key(String key) {
        return out.append(key).append(" = ");
    }

    private void optionalString(String key, Optional<String> value) {
        value.ifPresent(v -> key(key).append(quote(v)).append('\n'));
    }

    private static String numbers(String field, List<Long> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(number(field + "[" + i + "]", values.get(i)));
        }
        return sb.append(']').toString();
    }

    /** {@code value} in hex, refused when TOML cannot hold it (its integers are signed 64-bit; ours are unsigned). */
    private static String number(String field, long value) {
        representable(field, value);
        return hex(value);
    }

    private static String decimal(String field, long value) {
        representable(field, value);
        return Long.toString(value);
    }

    private static void representable(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + ": " + "0x" + Long.toUnsignedString(value, 16)
                    + " cannot be written in TOML, whose integers are at most 0x7fff_ffff_ffff_ffff");
        }
    }

    /** A TOML basic string: quotes, backslashes and control characters escaped; everything else as is. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
