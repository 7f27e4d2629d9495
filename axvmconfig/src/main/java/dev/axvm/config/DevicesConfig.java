package dev.axvm.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code [devices]} table.
 *
 * @param emuDevices emulated devices
 * @param passthroughDevices host devices passed through (AxVisor; refused when the VM is built here)
 * @param passthroughAddresses host ranges passed through (AxVisor; refused when the VM is built here)
 * @param excludedDevices host device-tree paths not to pass through, each entry a list of paths
 * @param interruptMode how interrupts reach the guest (default {@link InterruptMode#NO_IRQ})
 * @param builtinDevices whether the VM adds the architecture's console UART and, on x86, the power-off
 *     and debug-exit ports ({@code builtin_devices}, our addition, default true)
 * @param unhandledAccess what an access no device owns does ({@code unhandled_access}, our addition)
 * @param diskImages the files behind virtio block devices ({@code disk_images}, our addition)
 */
public record DevicesConfig(List<EmulatedDeviceConfig> emuDevices, List<PassthroughDeviceConfig> passthroughDevices,
        List<PassthroughAddressConfig> passthroughAddresses, List<List<String>> excludedDevices,
        InterruptMode interruptMode, boolean builtinDevices, UnhandledAccess unhandledAccess,
        List<DiskImageConfig> diskImages) {

    /** A {@code [devices]} table with nothing in it: every default. */
    public static final DevicesConfig DEFAULT = new DevicesConfig(List.of(), List.of(), List.of(), List.of(),
            InterruptMode.NO_IRQ, true, UnhandledAccess.IGNORE, List.of());

    /** Checks presence and copies the lists. */
    public DevicesConfig {
        emuDevices = List.copyOf(emuDevices);
        passthroughDevices = List.copyOf(passthroughDevices);
        passthroughAddresses = List.copyOf(passthroughAddresses);
        excludedDevices = excludedDevices.stream().map(List::copyOf).toList();
        Objects.requireNonNull(interruptMode, "interruptMode");
        Objects.requireNonNull(unhandledAccess, "unhandledAccess");
        diskImages = List.copyOf(diskImages);
    }

    /** The disk image of the virtio block device {@code name}, if {@code disk_images} names one. */
    public java.util.Optional<DiskImageConfig> diskImage(String name) {
        return diskImages.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** How many devices the config names: emulated plus passed-through devices. */
    public int deviceCount() {
        return emuDevices.size() + passthroughDevices.size();
    }
}
