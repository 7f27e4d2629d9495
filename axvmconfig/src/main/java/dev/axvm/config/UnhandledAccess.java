package dev.axvm.config;

/**
 * What the VM does when the guest touches an address or port that no device owns: the
 * {@code [devices] unhandled_access} of a config (our addition).
 */
public enum UnhandledAccess {
    /** {@code "ignore"} (the default): reads return all ones, writes are dropped; both are logged. */
    IGNORE("ignore"),
    /** {@code "stop"}: the VM stops with an error naming the access. */
    STOP("stop");

    private final String tomlName;

    UnhandledAccess(String tomlName) {
        this.tomlName = tomlName;
    }

    /** The value as written in a config file. */
    public String tomlName() {
        return tomlName;
    }

    /** The policy written as {@code name}, or {@code null} when there is none. */
    public static UnhandledAccess ofTomlName(String name) {
        for (UnhandledAccess u : values()) {
            if (u.tomlName.equals(name)) {
                return u;
            }
        }
        return null;
    }
}
