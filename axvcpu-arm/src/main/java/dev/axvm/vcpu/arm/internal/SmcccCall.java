package dev.axvm.vcpu.arm.internal;

import dev.axvm.vcpu.arm.ArmPlatform;

/**
 * What an SMCCC call that KVM forwarded to user space (KVM_EXIT_HYPERCALL, Linux 6.4+ with the
 * SMCCC filter) asks for, judged from its function id alone.
 */
public enum SmcccCall {
    /** PSCI CPU_ON (SMC32 or SMC64): x1 target MPIDR, x2 entry, x3 context id. */
    CPU_ON,
    /** PSCI CPU_OFF. */
    CPU_OFF,
    /** An AxVisor hypercall: number in x0 (0..0xffff), arguments x1..x6. */
    HYPERCALL,
    /** Anything else: AxVM never asks KVM to forward it. */
    OTHER;

    /** Classifies function id {@code functionId} (the low 32 bits of x0). */
    public static SmcccCall of(long functionId) {
        int id = (int) functionId;
        if (id == ArmPlatform.PSCI_CPU_ON_32 || id == ArmPlatform.PSCI_CPU_ON_64) {
            return CPU_ON;
        }
        if (id == ArmPlatform.PSCI_CPU_OFF) {
            return CPU_OFF;
        }
        if (Integer.compareUnsigned(id, ArmPlatform.HYPERCALL_FUNCTION_COUNT) < 0) {
            return HYPERCALL;
        }
        return OTHER;
    }
}
