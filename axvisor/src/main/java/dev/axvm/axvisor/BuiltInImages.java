package dev.axvm.axvisor;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.ImageKind;
import dev.axvm.config.ImageLocation;
import dev.axvm.vm.AxVMBuilder;
import dev.axvm.vm.ImageLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code image_location = "memory"} as the app honours it. AxVisor builds such images into its own
 * binary from their paths; the app is built once for every config, so it reads them from their
 * paths when it builds the VM (relative to the config, as for {@code "fs"}) and hands them over by
 * name. The library's loader then treats them as memory images (checked the same way).
 */
final class BuiltInImages {
    private static final long MAX_IMAGE = Integer.MAX_VALUE - 8;

    private BuiltInImages() {}

    /** Hands {@code config}'s images to {@code builder} when they are "memory" images; returns whether it did. */
    static boolean handOver(AxVMConfig config, AxVMBuilder<?, ?> builder) {
        if (config.kernel().imageLocation() != ImageLocation.MEMORY) {
            return false;
        }
        for (ImageKind kind : ImageKind.values()) {
            Optional<String> name = config.kernel().path(kind);
            if (name.isPresent()) {
                builder.image(name.get(), read(kind, name.get(), config.origin().resolve(name.get())));
            }
        }
        return true;
    }

    private static byte[] read(ImageKind kind, String name, Path file) {
        String what = kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "'";
        try {
            if (!Files.isRegularFile(file)) {
                throw new ImageLoadException(what + " (image_location = \"memory\", read at launch): " + file
                        + (Files.exists(file) ? " is not a regular file" : " does not exist"));
            }
            if (Files.size(file) > MAX_IMAGE) {
                throw new ImageLoadException(what + ": " + file + " is larger than 2 GiB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageLoadException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
