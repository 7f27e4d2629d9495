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
