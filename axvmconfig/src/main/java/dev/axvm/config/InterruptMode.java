package dev.axvm.config;

import java.util.List;

/** How the VM delivers interrupts: the {@code [devices] interrupt_mode} of a config, with AxVisor's spellings. */
public enum InterruptMode {
    /** {@code "no_irq"} (also {@code "no"}, {@code "none"}; AxVisor's default): the guest gets no interrupts. */
    NO_IRQ(List.of("no_irq", "no", "none")),
    /** {@code "emu"} (also {@code "emulated"}): interrupts go through an emulated interrupt controller. */
    EMULATED(List.of("emu", "emulated")),
    /** {@code "passthrough"} (also {@code "pt"}): the guest programs an interrupt controller directly. */
    PASSTHROUGH(List.of("passthrough", "pt"));

    private final List<String> spellings;

    InterruptMode(List<String> spellings) {
        this.spellings = spellings;
    }

    /** The canonical spelling, written by {@link AxVMConfigs#toToml(AxVMConfig)}. */
    public String tomlName() {
        return spellings.getFirst();
    }

    /** Every spelling AxVisor accepts for this mode, canonical first. */
    public List<String> spellings() {
        return spellings;
    }

    /** The mode spelled {@code name}, or {@code null} when there is none. */
    public static InterruptMode ofTomlName(String name) {
        for (InterruptMode m : values()) {
            if (m.spellings.contains(name)) {
                return m;
            }
        }
        return null;
    }
}
