/* A VM file descriptor: memory slots, vCPUs, interrupt lines. */
#include <linux/kvm.h>

#include "axvm.h"
#include "ioctl.h"

int axvm_vm_set_memory(int vm, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size, void *host) {
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .flags = flags,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)host,
    };
    return axvm_ioctl_ptr(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

int axvm_vm_create_vcpu(int vm, unsigned long id) {
    return axvm_ioctl(vm, KVM_CREATE_VCPU, id);
}

int axvm_vm_irq_line(int vm, uint32_t irq, uint32_t level) {
    struct kvm_irq_level l = { .irq = irq, .level = level };
    return axvm_ioctl_ptr(vm, KVM_IRQ_LINE, &l);
}

/* A guest write of len bytes at addr signals fd inside KVM instead of exiting (any value). */
int axvm_vm_ioeventfd(int vm, uint64_t addr, uint32_t len, int fd, int deassign) {
    struct kvm_ioeventfd e = {
        .addr = addr,
        .len = len,
        .fd = fd,
        .flags = deassign ? KVM_IOEVENTFD_FLAG_DEASSIGN : 0,
    };
    return axvm_ioctl_ptr(vm, KVM_IOEVENTFD, &e);
}

/*
 * The slot's dirty bitmap since the last call (one bit per 4 KiB page, lowest
 * page in bit 0 of the first word); KVM clears it and write-protects the pages
 * again. The slot must have KVM_MEM_LOG_DIRTY_PAGES set.
 */
int axvm_vm_dirty_log(int vm, uint32_t slot, uint64_t *bitmap) {
    struct kvm_dirty_log l = { .slot = slot, .dirty_bitmap = bitmap };
    return axvm_ioctl_ptr(vm, KVM_GET_DIRTY_LOG, &l);
}
