package dev.axvm.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where AxVisor's own config files are: the repository's {@code testdata/axvisor-configs} (copies),
 * and the workspace's {@code shared/axvisor-configs} (the originals) when it exists.
 */
final class AxVisorConfigs {
    private AxVisorConfigs() {}

    /** The directory, from -Daxvm.axvisor.configs or the repository's testdata above the working directory. */
    static Path directory() {
        String override = System.getProperty("axvm.axvisor.configs");
        if (override != null) {
            return Path.of(override);
        }
        return above(Path.of("testdata", "axvisor-configs")).orElseThrow(() -> new IllegalStateException(
                "AxVisor's configs not found: expected testdata/axvisor-configs above " + Path.of("").toAbsolutePath()
                        + ", or -Daxvm.axvisor.configs=DIR"));
    }

    /** The workspace's originals, {@code shared/axvisor-configs}, if this checkout sits beside them. */
    static java.util.Optional<Path> originals() {
        return above(Path.of("shared", "axvisor-configs"));
    }

    private static java.util.Optional<Path> above(Path relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(relative);
            if (Files.isDirectory(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    /** Every {@code .toml} file there, sorted. */
    static List<Path> files() {
        try (Stream<Path> s = Files.list(directory())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".toml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One of them, by file name. */
    static Path file(String name) {
        return directory().resolve(name);
    }
}
