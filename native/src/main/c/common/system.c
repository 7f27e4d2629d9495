/* The /dev/kvm system file descriptor. */
#include <linux/kvm.h>

#include "axvm.h"
#include "ioctl.h"

/* Some capabilities only exist in one architecture's headers. */
#ifndef KVM_CAP_PIT2
#define KVM_CAP_PIT2 (-1)
#endif

static const int kvm_caps[AXVM_CAP_COUNT] = {
    [AXVM_CAP_USER_MEMORY] = KVM_CAP_USER_MEMORY,
    [AXVM_CAP_IRQCHIP] = KVM_CAP_IRQCHIP,
    [AXVM_CAP_HLT] = KVM_CAP_HLT,
    [AXVM_CAP_IMMEDIATE_EXIT] = KVM_CAP_IMMEDIATE_EXIT,
    [AXVM_CAP_NR_VCPUS] = KVM_CAP_NR_VCPUS,
    [AXVM_CAP_MAX_VCPUS] = KVM_CAP_MAX_VCPUS,
    [AXVM_CAP_NR_MEMSLOTS] = KVM_CAP_NR_MEMSLOTS,
    [AXVM_CAP_ONE_REG] = KVM_CAP_ONE_REG,
    [AXVM_CAP_IOEVENTFD] = KVM_CAP_IOEVENTFD,
    [AXVM_CAP_IRQFD] = KVM_CAP_IRQFD,
    [AXVM_CAP_READONLY_MEM] = KVM_CAP_READONLY_MEM,
    [AXVM_CAP_EXIT_HYPERCALL] = KVM_CAP_EXIT_HYPERCALL,
    [AXVM_CAP_SPLIT_IRQCHIP] = KVM_CAP_SPLIT_IRQCHIP,
    [AXVM_CAP_PIT2] = KVM_CAP_PIT2,
    [AXVM_CAP_ARM_PSCI_0_2] = KVM_CAP_ARM_PSCI_0_2,
    [AXVM_CAP_DEVICE_CTRL] = KVM_CAP_DEVICE_CTRL,
    [AXVM_CAP_SYSTEM_EVENT_DATA] = KVM_CAP_SYSTEM_EVENT_DATA,
};

int axvm_kvm_api_version(int kvm) {
    return axvm_ioctl(kvm, KVM_GET_API_VERSION, 0);
}

int axvm_kvm_check_cap(int fd, int cap) {
    if (cap < 0 || cap >= AXVM_CAP_COUNT)
        return -EINVAL;
    if (kvm_caps[cap] < 0)
        return 0;
    return axvm_ioctl(fd, KVM_CHECK_EXTENSION, (unsigned long)kvm_caps[cap]);
}

int axvm_kvm_vcpu_mmap_size(int kvm) {
    return axvm_ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
}

int axvm_kvm_create_vm(int kvm, unsigned long type) {
    return axvm_ioctl(kvm, KVM_CREATE_VM, type);
}
