package dev.axvm.config;

import dev.axvm.config.internal.ConfigRules;
import dev.axvm.config.internal.HostLimits;
import java.util.List;
import java.util.Objects;

/**
 * A VM's whole configuration, validated: AxVisor's {@code [base]}, {@code [kernel]} and {@code [devices]}
 * tables plus where the config came from. Every instance obeys every rule of the schema (the
 * constructor checks them), so code that receives one need not check again; what needs the image
 * files is checked by {@link AxVMConfigs#load} and {@link AxVMConfigBuilder#build()}.
 *
 * <p>Read one with {@link AxVMConfigs#load(java.nio.file.Path)}, or make one with {@link #builder()}.
 *
 * @param base the {@code [base]} table
 * @param kernel the {@code [kernel]} table
 * @param devices the {@code [devices]} table
 * @param origin where it came from
 */
public record AxVMConfig(BaseConfig base, KernelConfig kernel, DevicesConfig devices, ConfigOrigin origin) {

    /**
     * Checks every rule.
     *
     * @throws ConfigException naming each broken rule with the field's position
     */
    public AxVMConfig {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(devices, "devices");
        Objects.requireNonNull(origin, "origin");
        List<ConfigError> errors = ConfigRules.check(base, kernel, devices, origin);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }

    /** A builder for configs made in code; it applies the same rules as the loader. */
    public static AxVMConfigBuilder builder() {
        return new AxVMConfigBuilder();
    }

    /** A builder holding this config's settings, to make a variant of it. */
    public AxVMConfigBuilder toBuilder() {
        return AxVMConfigBuilder.from(this);
    }

    /**
     * What this config asks of a bare-metal host that a user-space KVM host cannot give: passed-through
     * devices and address ranges ({@link ConfigWarning.Kind#HOST_PASSTHROUGH}), regions mapped onto host
     * physical memory ({@link ConfigWarning.Kind#HOST_MEMORY}; the VM can back them with ordinary RAM
     * instead), a host VM ({@link ConfigWarning.Kind#HOST_VM}). Each names its entry and position.
     */
    public List<ConfigWarning> hostLimitations() {
        return HostLimits.of(this);
    }

    /**
     * Refuses a config that cannot run on a user-space KVM host at all: one that passes a host device
     * or address range through, or is a host VM. Regions mapped onto host memory are not refused
     * (ordinary RAM can stand in for them); {@link #hostLimitations()} lists them.
     *
     * @throws ConfigException with one error per such entry
     */
    public void requireUserSpaceHost() {
        List<ConfigError> errors = hostLimitations().stream()
                .filter(w -> w.kind() == ConfigWarning.Kind.HOST_PASSTHROUGH || w.kind() == ConfigWarning.Kind.HOST_VM)
                .map(w -> w.asError(w.kind() == ConfigWarning.Kind.HOST_VM
                        ? "vm_type = 1 (RTOS) or 2 (Linux): a user-space KVM host runs guests only"
                        : "no host passthrough on a user-space KVM host: remove the entry, or emulate the device in emu_devices"))
                .toList();
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }
}
