/* One MSR at a time: enough for boot state and tests; bulk transfer is not needed on any path. */
#include <linux/kvm.h>

#include "axvm_x86.h"
#include "ioctl.h"

struct one_msr {
    struct kvm_msrs head;
    struct kvm_msr_entry entry;
};

int axvm_x86_get_msr(int vcpu, uint32_t index, uint64_t *value) {
    struct one_msr m = { .head = { .nmsrs = 1 }, .entry = { .index = index } };
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_MSRS, &m);
    if (rc < 0)
        return rc;
    if (rc != 1)
        return -EINVAL; /* KVM returns how many it read: 0 means an unknown MSR */
    *value = m.entry.data;
    return 0;
}

int axvm_x86_set_msr(int vcpu, uint32_t index, uint64_t value) {
    struct one_msr m = { .head = { .nmsrs = 1 }, .entry = { .index = index, .data = value } };
    int rc = axvm_ioctl_ptr(vcpu, KVM_SET_MSRS, &m);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : -EINVAL;
}
