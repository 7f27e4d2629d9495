/*
 * The VM's in-kernel platform state: both PICs, the IOAPIC and the PIT as
 * KVM's uapi structs (opaque bytes to Java), and the kvmclock as one word.
 */
#include <linux/kvm.h>
#include <string.h>

#include "axvm_x86.h"
#include "ioctl.h"

static int chip_of(int part) {
    switch (part) {
    case AXVM_X86_VM_PART_PIC_MASTER: return KVM_IRQCHIP_PIC_MASTER;
    case AXVM_X86_VM_PART_PIC_SLAVE: return KVM_IRQCHIP_PIC_SLAVE;
    case AXVM_X86_VM_PART_IOAPIC: return KVM_IRQCHIP_IOAPIC;
    default: return -EINVAL;
    }
}

int axvm_x86_vm_part_size(int part) {
    if (part == AXVM_X86_VM_PART_PIT)
        return sizeof(struct kvm_pit_state2);
    return chip_of(part) < 0 ? -EINVAL : (int)sizeof(struct kvm_irqchip);
}

int axvm_x86_get_vm_part(int vm, int part, void *buf) {
    if (part == AXVM_X86_VM_PART_PIT)
        return axvm_ioctl_ptr(vm, KVM_GET_PIT2, buf);
    int chip = chip_of(part);
    if (chip < 0)
        return chip;
    struct kvm_irqchip *c = buf;
    memset(c, 0, sizeof *c);
    c->chip_id = chip;
    return axvm_ioctl_ptr(vm, KVM_GET_IRQCHIP, c);
}

/* The chip id comes from the part, not from the bytes: a part restores only its own chip. */
int axvm_x86_set_vm_part(int vm, int part, const void *buf) {
    if (part == AXVM_X86_VM_PART_PIT)
        return axvm_ioctl_ptr(vm, KVM_SET_PIT2, (void *)buf);
    int chip = chip_of(part);
    if (chip < 0)
        return chip;
    struct kvm_irqchip c;
    memcpy(&c, buf, sizeof c);
    c.chip_id = chip;
    return axvm_ioctl_ptr(vm, KVM_SET_IRQCHIP, &c);
}

int axvm_x86_get_clock(int vm, uint64_t *ns) {
    struct kvm_clock_data d = { 0 };
    int rc = axvm_ioctl_ptr(vm, KVM_GET_CLOCK, &d);
    if (rc == 0)
        *ns = d.clock;
    return rc;
}

int axvm_x86_set_clock(int vm, uint64_t ns) {
    struct kvm_clock_data d = { .clock = ns };
    return axvm_ioctl_ptr(vm, KVM_SET_CLOCK, &d);
}
