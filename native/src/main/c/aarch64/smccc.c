/*
 * SMCCC filtering (Linux 6.4+): forwards chosen HVC/SMC function ids to user
 * space as KVM_EXIT_HYPERCALL. Older headers lack the ABI, so it is spelled
 * out here from Documentation/virt/kvm/devices/vm.rst.
 */
#include <linux/kvm.h>
#include <string.h>

#include "axvm_arm64.h"
#include "ioctl.h"

#define SMCCC_CTRL_GROUP 0     /* KVM_ARM_VM_SMCCC_CTRL */
#define SMCCC_FILTER_ATTR 0    /* KVM_ARM_VM_SMCCC_FILTER */
#define SMCCC_FWD_TO_USER 2    /* KVM_SMCCC_FILTER_FWD_TO_USER */

struct smccc_filter {          /* struct kvm_smccc_filter */
    uint32_t base;
    uint32_t nr_functions;
    uint8_t action;
    uint8_t pad[15];
};

int axvm_arm64_smccc_filter_available(int vm) {
    struct kvm_device_attr a = { .group = SMCCC_CTRL_GROUP, .attr = SMCCC_FILTER_ATTR };
    int rc = axvm_ioctl_ptr(vm, KVM_HAS_DEVICE_ATTR, &a);
    if (rc == 0)
        return 1;
    /* Kernels before 6.4 have no VM attributes at all (EINVAL/ENOTTY) or not this one (ENXIO). */
    return rc == -ENXIO || rc == -EINVAL || rc == -ENOTTY ? 0 : rc;
}

int axvm_arm64_smccc_forward(int vm, uint32_t base, uint32_t count) {
    if (count == 0 || base + count - 1 < base)
        return -EINVAL;
    struct smccc_filter f;
    memset(&f, 0, sizeof f);
    f.base = base;
    f.nr_functions = count;
    f.action = SMCCC_FWD_TO_USER;
    struct kvm_device_attr a = {
        .group = SMCCC_CTRL_GROUP, .attr = SMCCC_FILTER_ATTR, .addr = (uint64_t)(uintptr_t)&f,
    };
    return axvm_ioctl_ptr(vm, KVM_SET_DEVICE_ATTR, &a);
}
