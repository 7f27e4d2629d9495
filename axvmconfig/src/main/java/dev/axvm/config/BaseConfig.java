package dev.axvm.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code [base]} table: who the VM is and how many vCPUs it has.
 *
 * @param id the VM id (unsigned)
 * @param name the VM name
 * @param vmType the kind of VM ({@code vm_type}, default {@link VmType#RTOS})
 * @param cpuNum the number of vCPUs
 * @param physCpuIds one physical CPU id per vCPU (e.g. MPIDR values), or empty when not given
 * @param physCpuSets one affinity mask per vCPU (bit {@code n} allows physical CPU {@code n}), or empty when not given
 * @param arch the guest architecture ({@code arch}, our addition); empty means the host's
 * @param paravirtOff the KVM paravirtual features the guest is denied ({@code paravirt_off}, our
 *     addition, x86_64 only); empty means all of them are offered
 */
public record BaseConfig(long id, String name, VmType vmType, int cpuNum, List<Long> physCpuIds,
        List<Long> physCpuSets, Optional<GuestArch> arch, Set<ParavirtFeature> paravirtOff) {

    /** Checks presence and copies the collections. */
    public BaseConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vmType, "vmType");
        physCpuIds = List.copyOf(physCpuIds);
        physCpuSets = List.copyOf(physCpuSets);
        Objects.requireNonNull(arch, "arch");
        // An EnumSet keeps the features in declaration order (the writer's order).
        paravirtOff = paravirtOff.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(paravirtOff));
    }

    /** A base with every paravirtual feature offered. */
    public BaseConfig(long id, String name, VmType vmType, int cpuNum, List<Long> physCpuIds, List<Long> physCpuSets,
            Optional<GuestArch> arch) {
        this(id, name, vmType, cpuNum, physCpuIds, physCpuSets, arch, Set.of());
    }
}
