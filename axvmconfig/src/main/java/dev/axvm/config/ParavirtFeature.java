package dev.axvm.config;

/**
 * A KVM paravirtual feature a guest can be denied: the {@code [base] paravirt_off} list of an
 * x86_64 config (our addition). The guest then does not see it in KVM's CPUID leaves and uses
 * the architectural mechanism instead. Names are QEMU's ({@code -cpu ...,kvm-pv-eoi=off}).
 *
 * <p>Every feature is on by default: they make a Linux guest faster. Turning one off is for
 * working around a host (for example an emulator underneath KVM) that mishandles it.
 */
public enum ParavirtFeature {
    /** {@code "kvmclock"}: the paravirtual clock (both of KVM's clocksource leaves). */
    KVMCLOCK("kvmclock"),
    /** {@code "kvm-nopiodelay"}: no delay after port I/O. */
    NOPIODELAY("kvm-nopiodelay"),
    /** {@code "kvm-asyncpf"}: asynchronous page faults. */
    ASYNCPF("kvm-asyncpf"),
    /** {@code "kvm-steal-time"}: steal-time accounting. */
    STEAL_TIME("kvm-steal-time"),
    /** {@code "kvm-pv-eoi"}: end-of-interrupt through shared memory instead of an APIC write. */
    PV_EOI("kvm-pv-eoi"),
    /** {@code "kvm-pv-unhalt"}: paravirtual spinlocks (halt and kick). */
    PV_UNHALT("kvm-pv-unhalt"),
    /** {@code "kvm-pv-tlb-flush"}: TLB shootdowns deferred for preempted vCPUs. */
    PV_TLB_FLUSH("kvm-pv-tlb-flush"),
    /** {@code "kvm-asyncpf-vmexit"}: asynchronous page faults for nested guests. */
    ASYNCPF_VMEXIT("kvm-asyncpf-vmexit"),
    /** {@code "kvm-pv-ipi"}: IPIs to many vCPUs in one hypercall. */
    PV_IPI("kvm-pv-ipi"),
    /** {@code "kvm-poll-control"}: the guest controls host-side halt polling. */
    POLL_CONTROL("kvm-poll-control"),
    /** {@code "kvm-pv-sched-yield"}: yield to a preempted vCPU. */
    PV_SCHED_YIELD("kvm-pv-sched-yield"),
    /** {@code "kvm-asyncpf-int"}: asynchronous page faults delivered as an interrupt. */
    ASYNCPF_INT("kvm-asyncpf-int"),
    /** {@code "kvm-msi-ext-dest-id"}: extended MSI destination ids (more than 255 APIC ids). */
    MSI_EXT_DEST_ID("kvm-msi-ext-dest-id");

    private final String tomlName;

    ParavirtFeature(String tomlName) {
        this.tomlName = tomlName;
    }

    /** The name as written in a config file. */
    public String tomlName() {
        return tomlName;
    }

    /** The feature written as {@code name}, or {@code null} when there is none. */
    public static ParavirtFeature ofTomlName(String name) {
        for (ParavirtFeature f : values()) {
            if (f.tomlName.equals(name)) {
                return f;
            }
        }
        return null;
    }
}
