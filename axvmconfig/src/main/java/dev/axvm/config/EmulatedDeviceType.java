package dev.axvm.config;

/**
 * The {@code emu_type} of an emulated device in a config, with AxVisor's numbers.
 */
public enum EmulatedDeviceType {
    /** 0x0: reads as zero, ignores writes. */
    DUMMY(0x0),
    /** 0x1: an interrupt controller. */
    INTERRUPT_CONTROLLER(0x1),
    /** 0x2: the architecture's console UART. */
    CONSOLE(0x2),
    /** 0xA: an inter-VM communication channel. */
    IVC_CHANNEL(0xA),
    /** 0x20: a partially passed-through GIC redistributor. */
    GPPT_REDISTRIBUTOR(0x20),
    /** 0x21: a partially passed-through GIC distributor. */
    GPPT_DISTRIBUTOR(0x21),
    /** 0x22: a partially passed-through GIC ITS. */
    GPPT_ITS(0x22),
    /** 0x30: a partially passed-through global device. */
    PPPT_GLOBAL(0x30),
    /** 0xE1: virtio block device. */
    VIRTIO_BLK(0xE1),
    /** 0xE2: virtio network device. */
    VIRTIO_NET(0xE2),
    /** 0xE3: virtio console. */
    VIRTIO_CONSOLE(0xE3),
    /** 0xE4: virtio entropy source (our addition: AxVisor has no number for it). */
    VIRTIO_RNG(0xE4);

    private final int code;

    EmulatedDeviceType(int code) {
        this.code = code;
    }

    /** AxVisor's number for this type. */
    public int code() {
        return code;
    }

    /** The type with AxVisor number {@code code}, or {@code null} when there is none. */
    public static EmulatedDeviceType ofCode(long code) {
        for (EmulatedDeviceType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
