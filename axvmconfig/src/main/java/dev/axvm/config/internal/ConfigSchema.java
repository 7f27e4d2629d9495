package dev.axvm.config.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tables and keys a config may contain: AxVisor's, plus ours (marked in the README). */
public final class ConfigSchema {
    private ConfigSchema() {}

    /** The top-level tables, in file order. */
    public static final List<String> TABLES = List.of("base", "kernel", "devices");

    /** The keys of each table, in the order the writer emits them. */
    public static final Map<String, List<String>> KEYS = Map.of(
            "base", List.of("id", "name", "vm_type", "cpu_num", "phys_cpu_ids", "phys_cpu_sets", "arch", "paravirt_off"),
            "kernel", List.of("entry_point", "kernel_path", "kernel_load_addr", "bios_path", "bios_load_addr",
                    "dtb_path", "dtb_load_addr", "ramdisk_path", "ramdisk_load_addr", "image_location", "cmdline",
                    "disk_path", "entry_mode", "memory_regions"),
            "devices", List.of("emu_devices", "passthrough_devices", "passthrough_addresses", "excluded_devices",
                    "interrupt_mode", "builtin_devices", "unhandled_access", "disk_images"));

    /** The table {@code key} belongs in, when it is a key of some table. */
    public static Optional<String> tableOf(String key) {
        for (String t : TABLES) {
            if (KEYS.get(t).contains(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
