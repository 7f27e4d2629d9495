/* Segment, descriptor-table and control registers as flat words (see axvm_x86.h). */
#include <linux/kvm.h>

#include "axvm_x86.h"
#include "ioctl.h"

static void put_segment(uint64_t *w, const struct kvm_segment *s) {
    w[0] = s->base;
    w[1] = s->limit;
    w[2] = (uint64_t)s->selector | (uint64_t)(s->type & 0xf) << 16 | (uint64_t)(s->present & 1) << 20 |
           (uint64_t)(s->dpl & 3) << 21 | (uint64_t)(s->db & 1) << 23 | (uint64_t)(s->s & 1) << 24 |
           (uint64_t)(s->l & 1) << 25 | (uint64_t)(s->g & 1) << 26 | (uint64_t)(s->avl & 1) << 27 |
           (uint64_t)(s->unusable & 1) << 28;
}

static void get_segment(const uint64_t *w, struct kvm_segment *s) {
    s->base = w[0];
    s->limit = (uint32_t)w[1];
    s->selector = (uint16_t)w[2];
    s->type = (w[2] >> 16) & 0xf;
    s->present = (w[2] >> 20) & 1;
    s->dpl = (w[2] >> 21) & 3;
    s->db = (w[2] >> 23) & 1;
    s->s = (w[2] >> 24) & 1;
    s->l = (w[2] >> 25) & 1;
    s->g = (w[2] >> 26) & 1;
    s->avl = (w[2] >> 27) & 1;
    s->unusable = (w[2] >> 28) & 1;
}

static struct kvm_segment *segment(struct kvm_sregs *s, int i) {
    struct kvm_segment *all[AXVM_X86_SEGMENTS] = {&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt};
    return all[i];
}

int axvm_x86_get_sregs(int vcpu, uint64_t *w) {
    struct kvm_sregs s;
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_SREGS, &s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < AXVM_X86_SEGMENTS; i++)
        put_segment(w + 3 * i, segment(&s, i));
    uint64_t *t = w + 3 * AXVM_X86_SEGMENTS;
    t[0] = s.gdt.base; t[1] = s.gdt.limit; t[2] = s.idt.base; t[3] = s.idt.limit;
    t[4] = s.cr0; t[5] = s.cr2; t[6] = s.cr3; t[7] = s.cr4; t[8] = s.cr8; t[9] = s.efer; t[10] = s.apic_base;
    return 0;
}

/* Read-modify-write keeps what the words do not carry (the pending-interrupt bitmap). */
int axvm_x86_set_sregs(int vcpu, const uint64_t *w) {
    struct kvm_sregs s;
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_SREGS, &s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < AXVM_X86_SEGMENTS; i++)
        get_segment(w + 3 * i, segment(&s, i));
    const uint64_t *t = w + 3 * AXVM_X86_SEGMENTS;
    s.gdt.base = t[0]; s.gdt.limit = (uint16_t)t[1]; s.idt.base = t[2]; s.idt.limit = (uint16_t)t[3];
    s.cr0 = t[4]; s.cr2 = t[5]; s.cr3 = t[6]; s.cr4 = t[7]; s.cr8 = t[8]; s.efer = t[9]; s.apic_base = t[10];
    return axvm_ioctl_ptr(vcpu, KVM_SET_SREGS, &s);
}
