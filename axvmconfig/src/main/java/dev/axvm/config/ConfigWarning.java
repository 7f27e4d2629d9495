package dev.axvm.config;

import java.util.Objects;

/**
 * Something in a config that loads but deserves the user's attention, printed as one line:
 * {@code file:line:column: field: what (advice)}.
 *
 * @param kind what sort of warning this is, for embedders that act on some kinds
 * @param location where it is
 * @param field the field, as a TOML path
 * @param message what was noticed
 * @param advice what to do about it
 */
public record ConfigWarning(Kind kind, ConfigLocation location, String field, String message, String advice) {

    /** The sorts of warning. */
    public enum Kind {
        /** A key or table the schema does not know; it is ignored. */
        UNKNOWN_KEY,
        /** A host device or host address range passed through; a user-space KVM host cannot give one to a guest. */
        HOST_PASSTHROUGH,
        /** A region mapped onto host physical memory ({@code MapIdentical}, {@code MapReserved}); a user-space
         *  host can only offer ordinary RAM at that guest-physical address. */
        HOST_MEMORY,
        /** A host VM ({@code vm_type = 0}), which would take over the running host. */
        HOST_VM,
        /** {@code image_location = "memory"}: the embedder must hand the images to the VM. */
        IMAGES_IN_MEMORY,
        /** An image file that does not exist here, so it could not be checked to fit. */
        IMAGE_NOT_FOUND,
        /** A virtio block device without a disk image ({@code disk_images}); the VM cannot be built until it has one. */
        DISK_IMAGE_MISSING
    }

    /** Checks the parts. */
    public ConfigWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(advice, "advice");
    }

    /** The one-line form. */
    public String line() {
        return location + ": " + field + ": " + message + " (" + advice + ")";
    }

    /** The same finding reported as an error, for callers that cannot go on with it. */
    public ConfigError asError(String expected) {
        return new ConfigError(location, field, message, expected);
    }

    @Override
    public String toString() {
        return line();
    }
}
