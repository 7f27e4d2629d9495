/* Core registers and S-mode CSRs through KVM_GET/SET_ONE_REG, named by enum axvm_riscv_reg. */
#include <linux/kvm.h>
#include <stddef.h>

#include "axvm_riscv.h"
#include "ioctl.h"

#define CORE(index) (KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | (uint64_t)(index))
#define CSR(name) (KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CSR | KVM_REG_RISCV_CSR_REG(name))

_Static_assert(KVM_REG_RISCV_CORE_REG(regs.pc) == 0 && KVM_REG_RISCV_CORE_REG(regs.ra) == 1 &&
                   KVM_REG_RISCV_CORE_REG(regs.t6) == 31,
               "kvm_riscv_core lists pc then x1..x31 in order");

static const uint64_t csrs[] = {
    [AXVM_RISCV_SSTATUS - AXVM_RISCV_SSTATUS] = CSR(sstatus),
    [AXVM_RISCV_SIE - AXVM_RISCV_SSTATUS] = CSR(sie),
    [AXVM_RISCV_STVEC - AXVM_RISCV_SSTATUS] = CSR(stvec),
    [AXVM_RISCV_SSCRATCH - AXVM_RISCV_SSTATUS] = CSR(sscratch),
    [AXVM_RISCV_SEPC - AXVM_RISCV_SSTATUS] = CSR(sepc),
    [AXVM_RISCV_SCAUSE - AXVM_RISCV_SSTATUS] = CSR(scause),
    [AXVM_RISCV_STVAL - AXVM_RISCV_SSTATUS] = CSR(stval),
    [AXVM_RISCV_SIP - AXVM_RISCV_SSTATUS] = CSR(sip),
    [AXVM_RISCV_SATP - AXVM_RISCV_SSTATUS] = CSR(satp),
};

_Static_assert(sizeof csrs / sizeof csrs[0] == AXVM_RISCV_REG_COUNT - AXVM_RISCV_SSTATUS,
               "one id per CSR of enum axvm_riscv_reg");

int axvm_riscv_reg_id(int reg, uint64_t *id) {
    if (reg >= AXVM_RISCV_PC && reg <= AXVM_RISCV_X31) {
        *id = CORE(reg); /* pc is index 0, xN is index N */
        return 0;
    }
    if (reg == AXVM_RISCV_MODE) {
        *id = CORE(KVM_REG_RISCV_CORE_REG(mode));
        return 0;
    }
    if (reg >= AXVM_RISCV_SSTATUS && reg < AXVM_RISCV_REG_COUNT) {
        *id = csrs[reg - AXVM_RISCV_SSTATUS];
        return 0;
    }
    return -EINVAL;
}

int axvm_riscv_get_reg(int vcpu, int reg, uint64_t *value) {
    uint64_t id;
    int rc = axvm_riscv_reg_id(reg, &id);
    if (rc < 0)
        return rc;
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)value };
    return axvm_ioctl_ptr(vcpu, KVM_GET_ONE_REG, &r);
}

int axvm_riscv_set_reg(int vcpu, int reg, uint64_t value) {
    uint64_t id;
    int rc = axvm_riscv_reg_id(reg, &id);
    if (rc < 0)
        return rc;
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
    return axvm_ioctl_ptr(vcpu, KVM_SET_ONE_REG, &r);
}

int axvm_riscv_get_regs(int vcpu, int first, int count, uint64_t *values) {
    if (first < 0 || count < 0 || first > AXVM_RISCV_REG_COUNT - count)
        return -EINVAL;
    for (int i = 0; i < count; i++) {
        int rc = axvm_riscv_get_reg(vcpu, first + i, &values[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}
