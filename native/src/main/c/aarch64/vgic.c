/* The in-kernel vGICv3 and interrupt lines raised into it. */
#include <linux/kvm.h>
#include <unistd.h>

#include "axvm_arm64.h"
#include "ioctl.h"

static int set_attr(int dev, uint32_t group, uint64_t attr, const void *value) {
    struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)value };
    return axvm_ioctl_ptr(dev, KVM_SET_DEVICE_ATTR, &a);
}

int axvm_arm64_vgic_v3_create(int vm, uint64_t dist, uint64_t redist, uint32_t nr_irqs) {
    struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
    int rc = axvm_ioctl_ptr(vm, KVM_CREATE_DEVICE, &d);
    if (rc < 0)
        return rc;
    int dev = (int)d.fd;
    if ((rc = set_attr(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist)) < 0 ||
        (rc = set_attr(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist)) < 0 ||
        (rc = set_attr(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs)) < 0) {
        close(dev);
        return rc;
    }
    return dev;
}

int axvm_arm64_vgic_v3_init(int dev) {
    return set_attr(dev, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

int axvm_arm64_irq_line(int vm, uint32_t type, uint32_t vcpu_index, uint32_t num, uint32_t level) {
    if (type > KVM_ARM_IRQ_TYPE_MASK || vcpu_index > KVM_ARM_IRQ_VCPU_MASK || num > KVM_ARM_IRQ_NUM_MASK)
        return -EINVAL;
    struct kvm_irq_level l = {
        .irq = type << KVM_ARM_IRQ_TYPE_SHIFT | vcpu_index << KVM_ARM_IRQ_VCPU_SHIFT | num << KVM_ARM_IRQ_NUM_SHIFT,
        .level = level,
    };
    return axvm_ioctl_ptr(vm, KVM_IRQ_LINE, &l);
}
