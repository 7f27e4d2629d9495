package dev.axvm.kvm;

/**
 * KVM capabilities the library asks about, by the shim's own numbering (the shim maps each to its
 * {@code KVM_CAP_*} value, which differs between kernel headers and architectures).
 */
public enum KvmCapability {
    /** KVM_CAP_USER_MEMORY: memory slots backed by user-space memory. */
    USER_MEMORY,
    /** KVM_CAP_IRQCHIP: an in-kernel interrupt controller. */
    IRQCHIP,
    /** KVM_CAP_HLT: HLT exits to user space. */
    HLT,
    /** KVM_CAP_IMMEDIATE_EXIT: the run area's immediate_exit flag (needed for kicks). */
    IMMEDIATE_EXIT,
    /** KVM_CAP_NR_VCPUS: recommended vCPU count. */
    NR_VCPUS,
    /** KVM_CAP_MAX_VCPUS: maximum vCPU count. */
    MAX_VCPUS,
    /** KVM_CAP_NR_MEMSLOTS: memory slots per VM. */
    NR_MEMSLOTS,
    /** KVM_CAP_ONE_REG: single-register get/set. */
    ONE_REG,
    /** KVM_CAP_IOEVENTFD. */
    IOEVENTFD,
    /** KVM_CAP_IRQFD. */
    IRQFD,
    /** KVM_CAP_READONLY_MEM: read-only memory slots. */
    READONLY_MEM,
    /** KVM_CAP_EXIT_HYPERCALL: hypercalls forwarded to user space (x86). */
    EXIT_HYPERCALL,
    /** KVM_CAP_SPLIT_IRQCHIP (x86). */
    SPLIT_IRQCHIP,
    /** KVM_CAP_PIT2 (x86). */
    PIT2,
    /** KVM_CAP_ARM_PSCI_0_2 (aarch64). */
    ARM_PSCI_0_2,
    /** KVM_CAP_DEVICE_CTRL: KVM_CREATE_DEVICE. */
    DEVICE_CTRL,
    /** KVM_CAP_SYSTEM_EVENT_DATA. */
    SYSTEM_EVENT_DATA;

    /** The number the shim knows this capability by. */
    int shimId() {
        return ordinal();
    }
}
