package dev.axvm.vcpu.riscv.internal;

import dev.axvm.vcpu.riscv.RiscvPlatform;

/** What an SBI call that KVM forwarded to user space (KVM_EXIT_RISCV_SBI) asks for, by extension id. */
public enum SbiCall {
    /** The debug console (DBCN), served by the vCPU. */
    DEBUG_CONSOLE,
    /** A hypercall: AxVisor's extension or AxVM's experimental-range copy of it. */
    HYPERCALL,
    /** Anything else: answered NOT_SUPPORTED. */
    OTHER;

    /** Classifies extension id {@code eid} (a7). */
    public static SbiCall of(long eid) {
        if (eid == RiscvPlatform.SBI_EXT_DBCN) {
            return DEBUG_CONSOLE;
        }
        if (eid == RiscvPlatform.SBI_EXT_AXVISOR_HVC || eid == RiscvPlatform.SBI_EXT_AXVM_HVC) {
            return HYPERCALL;
        }
        return OTHER;
    }
}
