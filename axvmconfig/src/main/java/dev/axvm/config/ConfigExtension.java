package dev.axvm.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys AxVM reads that AxVisor's format does not have. A file that uses one still loads in
 * AxVM only; {@code axvisor config check} names each one a file writes down.
 */
public enum ConfigExtension {
    /** {@code [base] arch}: which guest a file is for (AxVisor builds one binary per architecture). */
    ARCH("base.arch", "which architecture the guest is for (AxVisor builds one binary per architecture)"),
    /** {@code [base] paravirt_off}: KVM paravirtual features the guest is denied (x86_64). */
    PARAVIRT_OFF("base.paravirt_off", "the KVM paravirtual features the guest does not see in CPUID (x86_64)"),
    /** {@code [kernel] cmdline}: the kernel command line, which AxVisor can only put in a DTB file. */
    CMDLINE("kernel.cmdline", "the kernel command line, put in the generated device tree's /chosen "
            + "(AxVisor writes it into a DTB file)"),
    /** {@code [kernel] entry_mode}: the x86 processor mode at the entry point. */
    ENTRY_MODE("kernel.entry_mode", "the x86 processor mode at entry_point"),
    /** {@code [devices] builtin_devices}: whether the VM adds its architecture's console and power ports. */
    BUILTIN_DEVICES("devices.builtin_devices", "whether the VM adds the architecture's console UART and power ports"),
    /** {@code [devices] unhandled_access}: what an access no device owns does. */
    UNHANDLED_ACCESS("devices.unhandled_access", "what a guest access no device owns does"),
    /** {@code [devices] disk_images}: the image files behind virtio block devices. */
    DISK_IMAGES("devices.disk_images", "the raw image file behind each virtio block device (emu_type 0xE1)");

    private final String field;
    private final String meaning;

    ConfigExtension(String field, String meaning) {
        this.field = field;
        this.meaning = meaning;
    }

    /** The field path, as in messages ({@code kernel.cmdline}). */
    public String field() {
        return field;
    }

    /** What the key means, in a phrase. */
    public String meaning() {
        return meaning;
    }

    /** The extensions {@code config} was written with (none for configs made in code). */
    public static List<ConfigExtension> usedBy(AxVMConfig config) {
        List<ConfigExtension> used = new ArrayList<>();
        for (ConfigExtension e : values()) {
            if (config.origin().positions().containsKey(e.field)) {
                used.add(e);
            }
        }
        return List.copyOf(used);
    }
}
