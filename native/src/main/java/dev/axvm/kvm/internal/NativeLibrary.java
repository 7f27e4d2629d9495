package dev.axvm.kvm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Loads the shim for the running platform from {@code META-INF/native/linux-<arch>/libaxvm.so}
 * inside the native jar. The library is copied to a private temporary directory, opened, and the
 * copy deleted at once: the loader keeps its mapping, and nothing is left behind in /tmp.
 */
public final class NativeLibrary {
    private static final String NAME = "libaxvm.so";

    private NativeLibrary() {}

    /** The shim's symbols; loading happens once, on first use. */
    public static SymbolLookup lookup() {
        return Holder.LOOKUP;
    }

    /** Thrown when no shim fits this platform or it cannot be loaded. */
    public static final class LoadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Holder {
        static final SymbolLookup LOOKUP = load();
    }

    private static SymbolLookup load() {
        String platform = Platform.id();
        String resource = "/META-INF/native/" + platform + "/" + NAME;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new LoadFailure("AxVM has no KVM shim for platform " + platform
                        + " (supported: linux-x86_64, linux-aarch64, linux-riscv64; missing resource " + resource + ")", null);
            }
            Path dir = Files.createTempDirectory("axvm-native-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path lib = dir.resolve(NAME);
            try {
                Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
                return SymbolLookup.libraryLookup(lib, Arena.global());
            } finally {
                Files.deleteIfExists(lib);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new LoadFailure("cannot extract the KVM shim for " + platform + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        } catch (IllegalArgumentException e) {
            throw new LoadFailure("cannot load the KVM shim for " + platform + ": " + e.getMessage(), e);
        }
    }
}
