/* Interrupts without AIA (the S-mode external line), AIA detection, and the power state. */
#include <linux/kvm.h>

#include "axvm_riscv.h"
#include "ioctl.h"

#define DEV_TYPE_RISCV_AIA 11 /* KVM_DEV_TYPE_RISCV_AIA (Linux 6.5+; after ARM_PV_TIME) */

int axvm_riscv_external_irq(int vcpu, int level) {
    /* KVM_INTERRUPT is an asynchronous vCPU ioctl on riscv: callable while another thread runs it. */
    struct kvm_interrupt i = { .irq = level ? KVM_INTERRUPT_SET : KVM_INTERRUPT_UNSET };
    return axvm_ioctl_ptr(vcpu, KVM_INTERRUPT, &i);
}

int axvm_riscv_aia_available(int vm) {
    struct kvm_create_device d = { .type = DEV_TYPE_RISCV_AIA, .flags = KVM_CREATE_DEVICE_TEST };
    int rc = axvm_ioctl_ptr(vm, KVM_CREATE_DEVICE, &d);
    if (rc == 0)
        return 1;
    /* ENODEV: the kernel has no such device type or the host lacks Ssaia. */
    return rc == -ENODEV || rc == -ENXIO || rc == -EINVAL ? 0 : rc;
}
