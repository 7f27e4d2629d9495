package dev.axvm.config;

import java.util.List;
import java.util.Objects;

/**
 * An emulated device: {@code [name, base_gpa, length, irq_id, emu_type, cfg_list]} in
 * {@code [devices] emu_devices}.
 *
 * @param name the device's name
 * @param baseGpa the first guest-physical address it answers (unsigned)
 * @param length how many bytes it answers
 * @param irqId its interrupt number
 * @param emuType what it is
 * @param cfgList type-specific numbers (e.g. a PLIC's context count)
 */
public record EmulatedDeviceConfig(String name, long baseGpa, long length, long irqId, EmulatedDeviceType emuType,
        List<Long> cfgList) {
    /** Checks presence and copies the list. */
    public EmulatedDeviceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(emuType, "emuType");
        cfgList = List.copyOf(cfgList);
    }
}
