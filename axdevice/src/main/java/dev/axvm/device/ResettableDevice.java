package dev.axvm.device;

/**
 * A device whose state belongs to one boot of its VM and may reach into guest RAM (virtio
 * transports hold windows on their rings). The VM calls {@link #resetDevice()} before a reboot
 * replaces guest RAM and before a close frees it, so that no device touches RAM that is gone.
 */
public interface ResettableDevice {
    /** Returns the device to its power-on state and drops every reference into guest RAM. */
    void resetDevice();
}
