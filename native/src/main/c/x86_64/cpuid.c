/* CPUID: what KVM supports, and what a vCPU reports (the filtering policy is Java's). */
#include <linux/kvm.h>
#include <stdlib.h>

#include "axvm_x86.h"
#include "ioctl.h"

static struct kvm_cpuid2 *alloc_cpuid(int entries) {
    struct kvm_cpuid2 *c = calloc(1, sizeof *c + (size_t)entries * sizeof(struct kvm_cpuid_entry2));
    if (c)
        c->nent = (uint32_t)entries;
    return c;
}

int axvm_x86_supported_cpuid(int kvm, uint32_t *w, int max_entries) {
    if (max_entries <= 0)
        return -EINVAL;
    struct kvm_cpuid2 *c = alloc_cpuid(max_entries);
    if (!c)
        return -ENOMEM;
    int rc = axvm_ioctl_ptr(kvm, KVM_GET_SUPPORTED_CPUID, c);
    for (uint32_t i = 0; rc >= 0 && i < c->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &c->entries[i];
        uint32_t *o = w + AXVM_X86_CPUID_WORDS * i;
        o[0] = e->function; o[1] = e->index; o[2] = e->flags;
        o[3] = e->eax; o[4] = e->ebx; o[5] = e->ecx; o[6] = e->edx;
    }
    int n = rc < 0 ? rc : (int)c->nent;
    free(c);
    return n;
}

int axvm_x86_set_cpuid(int vcpu, const uint32_t *w, int entries) {
    if (entries <= 0)
        return -EINVAL;
    struct kvm_cpuid2 *c = alloc_cpuid(entries);
    if (!c)
        return -ENOMEM;
    for (int i = 0; i < entries; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        const uint32_t *in = w + AXVM_X86_CPUID_WORDS * i;
        e->function = in[0]; e->index = in[1]; e->flags = in[2];
        e->eax = in[3]; e->ebx = in[4]; e->ecx = in[5]; e->edx = in[6];
    }
    int rc = axvm_ioctl_ptr(vcpu, KVM_SET_CPUID2, c);
    free(c);
    return rc < 0 ? rc : 0;
}
