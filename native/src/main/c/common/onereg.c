/*
 * A vCPU's registers by KVM's own ids (KVM_GET_REG_LIST, KVM_GET/SET_ONE_REG) and
 * its run state (KVM_GET/SET_MP_STATE): what a snapshot of an arm64 or riscv64
 * vCPU is made of. Java treats ids as opaque; a register's size is in its id.
 */
#include <linux/kvm.h>
#include <stdlib.h>

#include "axvm.h"
#include "ioctl.h"

int axvm_reg_list(int vcpu, uint64_t *ids, int max) {
    if (max <= 0)
        return -EINVAL;
    struct kvm_reg_list *l = calloc(1, sizeof *l + (size_t)max * sizeof l->reg[0]);
    if (!l)
        return -ENOMEM;
    l->n = (uint64_t)max;
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_REG_LIST, l);
    for (uint64_t i = 0; rc >= 0 && i < l->n; i++)
        ids[i] = l->reg[i];
    int n = rc < 0 ? rc : (int)l->n;
    free(l);
    return n;
}

int axvm_one_reg_size(uint64_t id) {
    return 1 << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

int axvm_get_one_reg(int vcpu, uint64_t id, void *buf) {
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)buf };
    return axvm_ioctl_ptr(vcpu, KVM_GET_ONE_REG, &r);
}

int axvm_set_one_reg(int vcpu, uint64_t id, const void *buf) {
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)buf };
    return axvm_ioctl_ptr(vcpu, KVM_SET_ONE_REG, &r);
}

int axvm_get_mp_state(int vcpu) {
    struct kvm_mp_state s = { 0 };
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_MP_STATE, &s);
    return rc < 0 ? rc : (int)s.mp_state;
}

int axvm_set_mp_state(int vcpu, uint32_t state) {
    struct kvm_mp_state s = { .mp_state = state };
    return axvm_ioctl_ptr(vcpu, KVM_SET_MP_STATE, &s);
}
