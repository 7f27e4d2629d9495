package dev.axvm.config;

/**
 * The processor mode an x86 guest starts in at {@code entry_point}: the {@code [kernel] entry_mode} of a
 * config (our addition). Absent means {@link #REAL}, as AxVisor's x86 guests start.
 */
public enum X86EntryMode {
    /** {@code "real"}: 16-bit real mode with CS:IP at the entry point. */
    REAL("real"),
    /** {@code "protected"}: 32-bit flat protected mode, paging off. */
    PROTECTED("protected"),
    /** {@code "long"}: 64-bit long mode on identity-mapped page tables. */
    LONG("long");

    private final String tomlName;

    X86EntryMode(String tomlName) {
        this.tomlName = tomlName;
    }

    /** The value as written in a config file. */
    public String tomlName() {
        return tomlName;
    }

    /** The mode written as {@code name}, or {@code null} when there is none. */
    public static X86EntryMode ofTomlName(String name) {
        for (X86EntryMode m : values()) {
            if (m.tomlName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
