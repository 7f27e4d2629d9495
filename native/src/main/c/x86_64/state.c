/*
 * A vCPU's saved state, part by part. Each part is KVM's own uapi struct,
 * passed through as opaque bytes: Java stores and compares sizes, never fields.
 * Parts are fixed-size, so a size is the whole contract.
 */
#include <linux/kvm.h>

#include "axvm_x86.h"
#include "ioctl.h"

struct part {
    unsigned long get, set;
    size_t size;
};

static const struct part PARTS[AXVM_X86_VCPU_PARTS] = {
    [AXVM_X86_PART_REGS] = { KVM_GET_REGS, KVM_SET_REGS, sizeof(struct kvm_regs) },
    [AXVM_X86_PART_SREGS] = { KVM_GET_SREGS, KVM_SET_SREGS, sizeof(struct kvm_sregs) },
    [AXVM_X86_PART_XSAVE] = { KVM_GET_XSAVE, KVM_SET_XSAVE, sizeof(struct kvm_xsave) },
    [AXVM_X86_PART_XCRS] = { KVM_GET_XCRS, KVM_SET_XCRS, sizeof(struct kvm_xcrs) },
    [AXVM_X86_PART_LAPIC] = { KVM_GET_LAPIC, KVM_SET_LAPIC, sizeof(struct kvm_lapic_state) },
    [AXVM_X86_PART_MP_STATE] = { KVM_GET_MP_STATE, KVM_SET_MP_STATE, sizeof(struct kvm_mp_state) },
    [AXVM_X86_PART_DEBUGREGS] = { KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS, sizeof(struct kvm_debugregs) },
    [AXVM_X86_PART_EVENTS] = { KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS, sizeof(struct kvm_vcpu_events) },
};

static const struct part *part_of(int part) {
    return part >= 0 && part < AXVM_X86_VCPU_PARTS ? &PARTS[part] : NULL;
}

int axvm_x86_vcpu_part_size(int part) {
    const struct part *p = part_of(part);
    return p ? (int)p->size : -EINVAL;
}

int axvm_x86_get_vcpu_part(int vcpu, int part, void *buf) {
    const struct part *p = part_of(part);
    return p ? axvm_ioctl_ptr(vcpu, p->get, buf) : -EINVAL;
}

int axvm_x86_set_vcpu_part(int vcpu, int part, const void *buf) {
    const struct part *p = part_of(part);
    return p ? axvm_ioctl_ptr(vcpu, p->set, (void *)buf) : -EINVAL;
}
