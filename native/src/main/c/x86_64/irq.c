/* Interrupts: user-space injection (no irqchip), the in-kernel irqchip, and MSIs. */
#include <linux/kvm.h>

#include "axvm_x86.h"
#include "ioctl.h"

int axvm_x86_interrupt(int vcpu, uint32_t vector) {
    struct kvm_interrupt i = { .irq = vector };
    return axvm_ioctl_ptr(vcpu, KVM_INTERRUPT, &i);
}

void axvm_x86_request_irq_window(void *run, int on) {
    ((struct kvm_run *)run)->request_interrupt_window = on ? 1 : 0;
}

int axvm_x86_create_irqchip(int vm) {
    return axvm_ioctl(vm, KVM_CREATE_IRQCHIP, 0);
}

int axvm_x86_create_pit2(int vm) {
    struct kvm_pit_config c = { .flags = 0 };
    return axvm_ioctl_ptr(vm, KVM_CREATE_PIT2, &c);
}

int axvm_x86_signal_msi(int vm, uint64_t address, uint32_t data) {
    struct kvm_msi m = {
        .address_lo = (uint32_t)address,
        .address_hi = (uint32_t)(address >> 32),
        .data = data,
    };
    return axvm_ioctl_ptr(vm, KVM_SIGNAL_MSI, &m);
}
