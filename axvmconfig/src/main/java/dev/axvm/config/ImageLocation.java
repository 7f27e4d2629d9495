package dev.axvm.config;

/** Where the guest images come from: the {@code [kernel] image_location} of a config. */
public enum ImageLocation {
    /** {@code "fs"} (AxVisor's default): the image paths name files, resolved relative to the config file. */
    FS("fs"),
    /** {@code "memory"}: the images are handed to the VM by the embedder (AxVisor links them into its binary). */
    MEMORY("memory");

    private final String tomlName;

    ImageLocation(String tomlName) {
        this.tomlName = tomlName;
    }

    /** The value as written in a config file. */
    public String tomlName() {
        return tomlName;
    }

    /** The location written as {@code name}, or {@code null} when there is none. */
    public static ImageLocation ofTomlName(String name) {
        for (ImageLocation l : values()) {
            if (l.tomlName.equals(name)) {
                return l;
            }
        }
        return null;
    }
}
