package dev.axvm.config;

import dev.axvm.config.internal.FieldPaths;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a config came from: the name used in messages, the file it was read from (image paths are
 * resolved against its directory), and the position of every field that was written down.
 *
 * @param sourceName the name in messages: the file's path as given, or e.g. {@code <builder>}
 * @param file the file the config was read from, if any
 * @param positions field path ({@code kernel.memory_regions[1].size}) to where its value was written
 */
public record ConfigOrigin(String sourceName, Optional<Path> file, Map<String, ConfigLocation> positions) {

    /** Checks the parts and copies the map. */
    public ConfigOrigin {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(file, "file");
        positions = Map.copyOf(positions);
    }

    /** The origin of a config made in code, named {@code sourceName} in messages, images resolved against {@code file}'s directory when given. */
    public static ConfigOrigin inCode(String sourceName, Optional<Path> file) {
        return new ConfigOrigin(sourceName, file, Map.of());
    }

    /**
     * Where {@code field} was written; falls back to its closest written parent
     * ({@code kernel.memory_regions[1]}, then {@code kernel.memory_regions}, then {@code kernel}),
     * and to the source alone when nothing was written (configs made in code).
     */
    public ConfigLocation locate(String field) {
        for (String f = field; f != null; f = FieldPaths.parent(f)) {
            ConfigLocation l = positions.get(f);
            if (l != null) {
                return l;
            }
        }
        return ConfigLocation.of(sourceName);
    }

    /**
     * The file an image path names: absolute paths as they are, relative paths against the config
     * file's directory (the working directory for configs not read from a file).
     *
     * @throws java.nio.file.InvalidPathException when {@code imagePath} is not a path on this system
     */
    public Path resolve(String imagePath) {
        Path p = Path.of(imagePath);
        if (p.isAbsolute()) {
            return p;
        }
        Path dir = file.map(f -> f.toAbsolutePath().getParent()).orElse(null);
        return dir == null ? p.toAbsolutePath() : dir.resolve(p);
    }
}
