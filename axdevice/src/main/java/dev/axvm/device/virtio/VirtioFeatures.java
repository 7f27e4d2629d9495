package dev.axvm.device.virtio;

/**
 * Feature bit numbers every virtio device shares (virtio 1.x, section 6); device-specific bits are
 * defined by each device. The transport offers {@link #VERSION_1}, {@link #RING_INDIRECT_DESC} and
 * {@link #RING_EVENT_IDX} for every device, because it implements them.
 */
public final class VirtioFeatures {
    /** The driver may use indirect descriptor tables. */
    public static final int RING_INDIRECT_DESC = 28;
    /** The used_event / avail_event fields suppress interrupts and notifications. */
    public static final int RING_EVENT_IDX = 29;
    /** A virtio 1.x (modern) device; a version-2 MMIO device must offer it and the driver accept it. */
    public static final int VERSION_1 = 32;

    private VirtioFeatures() {}

    /** {@code 1L << bit}. */
    public static long bit(int bit) {
        return 1L << bit;
    }
}
