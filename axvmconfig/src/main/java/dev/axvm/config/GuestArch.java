package dev.axvm.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The guest's instruction-set architecture: the {@code [base] arch} of a config (our addition; AxVisor
 * builds one binary per architecture and has no such key). Absent means the host's architecture.
 */
public enum GuestArch {
    /** {@code "x86_64"}. */
    X86_64("x86_64", 52),
    /** {@code "aarch64"}. */
    AARCH64("aarch64", 52),
    /** {@code "riscv64"}. */
    RISCV64("riscv64", 59);

    private final String tomlName;
    private final int guestPhysAddrBits;

    GuestArch(String tomlName, int guestPhysAddrBits) {
        this.tomlName = tomlName;
        this.guestPhysAddrBits = guestPhysAddrBits;
    }

    /** The value as written in a config file. */
    public String tomlName() {
        return tomlName;
    }

    /**
     * The widest guest-physical address the architecture can translate: x86 MAXPHYADDR 52, Arm
     * stage-2 with 52-bit IPAs, RISC-V Sv57x4 (59 bits). A particular host may offer fewer.
     */
    public int guestPhysAddrBits() {
        return guestPhysAddrBits;
    }

    /** The architecture written as {@code name}, or {@code null} when there is none. */
    public static GuestArch ofTomlName(String name) {
        for (GuestArch a : values()) {
            if (a.tomlName.equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The architecture this JVM runs on, when it is one of the three. */
    public static Optional<GuestArch> host() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> Optional.of(X86_64);
            case "aarch64", "arm64" -> Optional.of(AARCH64);
            case "riscv64" -> Optional.of(RISCV64);
            default -> Optional.empty();
        };
    }
}
