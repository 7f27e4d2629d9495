package dev.axvm.kvm.internal;

import java.util.Locale;

/** The running platform as the shim's packaging names it: {@code linux-<arch>}. */
public final class Platform {
    private Platform() {}

    /** {@code x86_64}, {@code aarch64}, {@code riscv64}, or the JVM's own name for anything else. */
    public static String arch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
    }

    /** {@code linux}, or the JVM's name for another OS. */
    public static String os() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") ? "linux" : os.replace(' ', '_');
    }

    /** The folder of the jar that holds this platform's shim. */
    public static String id() {
        return os() + "-" + arch();
    }
}
