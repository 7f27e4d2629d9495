package dev.axvm.config;

import java.util.Objects;

/**
 * An image the VM loads into guest memory before it starts.
 *
 * @param kind which image
 * @param path its path as written (relative paths are resolved with {@link ConfigOrigin#resolve(String)});
 *     with {@link ImageLocation#MEMORY} the embedder hands the bytes in under {@link ImageKind#imageName()}
 * @param loadAddr the guest-physical address of its first byte
 */
public record GuestImage(ImageKind kind, String path, long loadAddr) {
    /** Checks presence. */
    public GuestImage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
    }
}
