package dev.axvm.vm.internal.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who wrote a snapshot and of what: the format's first section. A snapshot is restored only by the
 * library version that wrote it, into a VM of the same architecture and config.
 *
 * @param architecture the guest architecture ({@code x86_64}, {@code aarch64}, {@code riscv64})
 * @param libraryVersion the AxVM version that wrote it
 * @param configDigest a digest of the VM's config (hex), to refuse restoring into another VM's shape
 */
public record SnapshotIdentity(String architecture, String libraryVersion, String configDigest) {
    static final String SECTION = "identity";

    /** The version of this library, as the build recorded it. */
    public static final String LIBRARY_VERSION = readVersion();

    /** Checks the fields are present and one line each. */
    public SnapshotIdentity {
        for (String f : new String[] {architecture, libraryVersion, configDigest}) {
            Objects.requireNonNull(f, "identity field");
            if (f.isEmpty() || f.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a snapshot identity field must be one non-empty line: '" + f + "'");
            }
        }
    }

    /** The identity of a VM of {@code architecture} built from the config whose TOML is {@code configToml}. */
    public static SnapshotIdentity of(String architecture, String configToml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(configToml.getBytes(StandardCharsets.UTF_8));
            return new SnapshotIdentity(architecture, LIBRARY_VERSION, HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256, which every Java SE platform must have", e);
        }
    }

    private static String readVersion() {
        try (InputStream in = SnapshotIdentity.class.getResourceAsStream("axvm-version.txt")) {
            if (in == null) {
                throw new IllegalStateException("axvm-version.txt is missing from the axvm-core jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] encode() {
        return ("arch=" + architecture + "\nversion=" + libraryVersion + "\nconfig=" + configDigest + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The identity in {@code bytes}, or null when they are not one. */
    static SnapshotIdentity decode(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 4 || !lines[3].isEmpty() || !lines[0].startsWith("arch=") || !lines[1].startsWith("version=")
                || !lines[2].startsWith("config=")) {
            return null;
        }
        try {
            return new SnapshotIdentity(lines[0].substring(5), lines[1].substring(8), lines[2].substring(7));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Why a VM with identity {@code vm} cannot take this snapshot, or null when it can. */
    String mismatch(SnapshotIdentity vm) {
        if (!architecture.equals(vm.architecture)) {
            return "it was taken of an " + architecture + " VM, this VM is " + vm.architecture;
        }
        if (!libraryVersion.equals(vm.libraryVersion)) {
            return "it was written by AxVM " + libraryVersion + ", this is " + vm.libraryVersion;
        }
        if (!configDigest.equals(vm.configDigest)) {
            return "it was taken of a VM with another config (digest " + configDigest + ", this VM's is " + vm.configDigest + ")";
        }
        return null;
    }
}
