package dev.axvm.config;

/** The images a config can place in guest memory, named as their {@code [kernel]} keys are. */
public enum ImageKind {
    /** {@code kernel_path} at {@code kernel_load_addr}. */
    KERNEL("kernel"),
    /** {@code bios_path} at {@code bios_load_addr}. */
    BIOS("bios"),
    /** {@code dtb_path} at {@code dtb_load_addr}. */
    DTB("dtb"),
    /** {@code ramdisk_path} at {@code ramdisk_load_addr}. */
    RAMDISK("ramdisk");

    private final String keyPrefix;

    ImageKind(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** The image's name: the prefix of its keys ({@code kernel}, {@code bios}, {@code dtb}, {@code ramdisk}). */
    public String imageName() {
        return keyPrefix;
    }

    /** The key of the image's path, e.g. {@code dtb_path}. */
    public String pathKey() {
        return keyPrefix + "_path";
    }

    /** The key of the image's load address, e.g. {@code dtb_load_addr}. */
    public String loadAddrKey() {
        return keyPrefix + "_load_addr";
    }
}
