/* Core and EL1 system registers through KVM_GET/SET_ONE_REG, named by enum axvm_arm64_reg. */
#include <linux/kvm.h>
#include <stddef.h>

#include "axvm_arm64.h"
#include "ioctl.h"

#define CORE(field) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(field))

/* Encodings (op0, op1, CRn, CRm, op2) from the Arm ARM's system register index. */
static const uint64_t sysregs[] = {
    [AXVM_ARM64_MPIDR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 0, 0, 5),
    [AXVM_ARM64_SCTLR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 1, 0, 0),
    [AXVM_ARM64_TCR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 2, 0, 2),
    [AXVM_ARM64_TTBR0_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 2, 0, 0),
    [AXVM_ARM64_TTBR1_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 2, 0, 1),
    [AXVM_ARM64_MAIR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 10, 2, 0),
    [AXVM_ARM64_VBAR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 12, 0, 0),
    [AXVM_ARM64_ESR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 5, 2, 0),
    [AXVM_ARM64_FAR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 6, 0, 0),
    [AXVM_ARM64_CPACR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 1, 0, 2),
    [AXVM_ARM64_TPIDR_EL1 - AXVM_ARM64_MPIDR_EL1] = ARM64_SYS_REG(3, 0, 13, 0, 4),
};

_Static_assert(sizeof sysregs / sizeof sysregs[0] == AXVM_ARM64_REG_COUNT - AXVM_ARM64_MPIDR_EL1,
               "one encoding per system register of enum axvm_arm64_reg");

int axvm_arm64_reg_id(int reg, uint64_t *id) {
    if (reg >= AXVM_ARM64_X0 && reg <= AXVM_ARM64_X30) {
        *id = CORE(regs.regs[0]) + (uint64_t)reg * (sizeof(__u64) / sizeof(__u32));
        return 0;
    }
    switch (reg) {
    case AXVM_ARM64_SP_EL0: *id = CORE(regs.sp); return 0;
    case AXVM_ARM64_PC: *id = CORE(regs.pc); return 0;
    case AXVM_ARM64_PSTATE: *id = CORE(regs.pstate); return 0;
    case AXVM_ARM64_SP_EL1: *id = CORE(sp_el1); return 0;
    case AXVM_ARM64_ELR_EL1: *id = CORE(elr_el1); return 0;
    case AXVM_ARM64_SPSR_EL1: *id = CORE(spsr[KVM_SPSR_EL1]); return 0;
    default: break;
    }
    if (reg >= AXVM_ARM64_MPIDR_EL1 && reg < AXVM_ARM64_REG_COUNT) {
        *id = sysregs[reg - AXVM_ARM64_MPIDR_EL1];
        return 0;
    }
    return -EINVAL;
}

int axvm_arm64_get_reg(int vcpu, int reg, uint64_t *value) {
    uint64_t id;
    int rc = axvm_arm64_reg_id(reg, &id);
    if (rc < 0)
        return rc;
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)value };
    return axvm_ioctl_ptr(vcpu, KVM_GET_ONE_REG, &r);
}

int axvm_arm64_set_reg(int vcpu, int reg, uint64_t value) {
    uint64_t id;
    int rc = axvm_arm64_reg_id(reg, &id);
    if (rc < 0)
        return rc;
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
    return axvm_ioctl_ptr(vcpu, KVM_SET_ONE_REG, &r);
}

int axvm_arm64_get_regs(int vcpu, int first, int count, uint64_t *values) {
    if (first < 0 || count < 0 || first > AXVM_ARM64_REG_COUNT - count)
        return -EINVAL;
    for (int i = 0; i < count; i++) {
        int rc = axvm_arm64_get_reg(vcpu, first + i, &values[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}
