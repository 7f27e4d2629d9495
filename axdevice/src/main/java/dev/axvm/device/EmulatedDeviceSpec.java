package dev.axvm.device;

import dev.axvm.config.EmulatedDeviceType;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Objects;

/**
 * One entry of a config's {@code emu_devices}, as plain values — AxVisor's
 * {@code [name, base_gpa, length, irq_id, emu_type, cfg_list]} — for
 * {@link EmulatedDeviceFactory#create}. The checks that do not depend on the type run here; every
 * message starts with {@code emu_devices '<name>'}.
 *
 * @param name the entry's name
 * @param baseGpa the first guest-physical address (for a port-mapped console: the first port)
 * @param length bytes (ports), at least 1, not wrapping past 2^64
 * @param irqId the interrupt number ({@code 0}: none, as AxVisor's configs use it); read unsigned
 * @param type the emulated type
 * @param cfgList the type's extra values
 * @param diskImage the image file of a virtio block device (the config's {@code disk_images}, resolved)
 * @param diskReadOnly whether that image is read-only for the guest
 */
public record EmulatedDeviceSpec(String name, long baseGpa, long length, long irqId, EmulatedDeviceType type,
        List<Long> cfgList, Optional<Path> diskImage, boolean diskReadOnly) {
    /** An entry without a disk image. */
    public EmulatedDeviceSpec(String name, long baseGpa, long length, long irqId, EmulatedDeviceType type, List<Long> cfgList) {
        this(name, baseGpa, length, irqId, type, cfgList, Optional.empty(), false);
    }

    /** Checks the fields. */
    public EmulatedDeviceSpec {
        Objects.requireNonNull(diskImage, "diskImage");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, () -> "emu_devices '" + name + "': no emu_type");
        Objects.requireNonNull(cfgList, () -> "emu_devices '" + name + "': no cfg_list");
        for (int i = 0; i < cfgList.size(); i++) {
            if (cfgList.get(i) == null) {
                throw new IllegalArgumentException("emu_devices '" + name + "': cfg_list[" + i + "] is null");
            }
        }
        cfgList = List.copyOf(cfgList);
        if (length == 0) {
            throw new IllegalArgumentException("emu_devices '" + name + "': length is 0");
        }
        if (Long.compareUnsigned(baseGpa + length - 1, baseGpa) < 0) {
            throw new IllegalArgumentException("emu_devices '" + name + "': base_gpa 0x" + Long.toHexString(baseGpa)
                    + " + length 0x" + Long.toHexString(length) + " wraps past 2^64");
        }
    }

    /** {@code cfg_list[index]}, or {@code fallback} when the list is shorter. */
    public long cfg(int index, long fallback) {
        return index < cfgList.size() ? cfgList.get(index) : fallback;
    }
}
