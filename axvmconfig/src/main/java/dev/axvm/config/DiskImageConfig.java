package dev.axvm.config;

import java.util.Objects;

/**
 * A disk image behind a virtio block device: {@code [name, path]} or {@code [name, path, read_only]}
 * in {@code [devices] disk_images} (our addition: AxVisor's {@code emu_devices} tuple has no place
 * for a file). {@code name} is the {@code emu_devices} entry of type VirtioBlk (0xE1) it backs.
 *
 * @param name the emu_devices entry's name
 * @param path the raw image file, relative to the config file's directory unless absolute
 * @param readOnly whether the guest may not write (default false)
 */
public record DiskImageConfig(String name, String path, boolean readOnly) {
    /** Checks presence. */
    public DiskImageConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
    }
}
