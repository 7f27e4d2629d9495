package dev.axvm.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where AxVisor's own config files are: {@code ../shared/axvisor-configs} beside the repository. */
final class AxVisorConfigs {
    private AxVisorConfigs() {}

    /** The directory, from -Daxvm.axvisor.configs or found above the working directory. */
    static Path directory() {
        String override = System.getProperty("axvm.axvisor.configs");
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("axvisor-configs");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("AxVisor's configs not found: expected shared/axvisor-configs above "
                + Path.of("").toAbsolutePath() + ", or -Daxvm.axvisor.configs=DIR");
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
