package dev.axvm.device.irq;

/**
 * The privilege mode of a PLIC context: each hart has a machine-mode and a supervisor-mode
 * context, and the PLIC's notification for a context arrives in that hart's {@code mip.MEIP} or
 * {@code mip.SEIP} bit. In our layout (QEMU {@code virt}'s, without KVM) hart {@code h} owns
 * contexts {@code 2h} (machine) and {@code 2h + 1} (supervisor).
 */
public enum PrivilegeMode {
    /** M-mode: the context's notification is the hart's machine external interrupt (cause 11). */
    MACHINE,
    /** S-mode: the context's notification is the hart's supervisor external interrupt (cause 9). */
    SUPERVISOR;

    /** The PLIC context of {@code hart} in this mode: {@code 2 * hart} for M-mode, {@code 2 * hart + 1} for S-mode. */
    public int context(int hart) {
        if (hart < 0 || hart > Integer.MAX_VALUE / 2 - 1) {
            throw new IllegalArgumentException("hart " + hart + " has no PLIC context");
        }
        return 2 * hart + ordinal();
    }

    /** The mode of PLIC context {@code context} (even: M-mode, odd: S-mode). */
    public static PrivilegeMode ofContext(int context) {
        return (context & 1) == 0 ? MACHINE : SUPERVISOR;
    }
}
