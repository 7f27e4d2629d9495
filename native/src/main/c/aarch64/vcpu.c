/* vCPU initialisation (target, PSCI 0.2, power-off start) and its power state. */
#include <linux/kvm.h>
#include <string.h>

#include "axvm_arm64.h"
#include "ioctl.h"

int axvm_arm64_vcpu_init(int vm, int vcpu, uint32_t flags) {
    if (flags & ~AXVM_ARM64_INIT_POWER_OFF)
        return -EINVAL;
    struct kvm_vcpu_init init;
    memset(&init, 0, sizeof init);
    int rc = axvm_ioctl_ptr(vm, KVM_ARM_PREFERRED_TARGET, &init);
    if (rc < 0)
        return rc;
    /* PSCI 0.2+ so that CPU_ON/SYSTEM_OFF follow the spec guests are written for (KVM answers 1.1). */
    init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
    if (flags & AXVM_ARM64_INIT_POWER_OFF)
        init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
    rc = axvm_ioctl_ptr(vcpu, KVM_ARM_VCPU_INIT, &init);
    return rc < 0 ? rc : (int)init.target;
}

int axvm_arm64_get_mp_state(int vcpu) {
    struct kvm_mp_state s = { 0 };
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_MP_STATE, &s);
    return rc < 0 ? rc : (int)s.mp_state;
}

int axvm_arm64_set_mp_state(int vcpu, int state) {
    if (state != KVM_MP_STATE_RUNNABLE && state != KVM_MP_STATE_STOPPED)
        return -EINVAL;
    struct kvm_mp_state s = { .mp_state = (uint32_t)state };
    return axvm_ioctl_ptr(vcpu, KVM_SET_MP_STATE, &s);
}
