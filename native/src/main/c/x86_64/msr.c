/*
 * MSRs one at a time (boot state, tests) and in bulk (a snapshot's every MSR
 * KVM lists). Bulk calls return how many entries KVM processed: it stops at
 * the first MSR it refuses, and the caller decides what that means.
 */
#include <linux/kvm.h>
#include <stdlib.h>

#include "axvm_x86.h"
#include "ioctl.h"

struct one_msr {
    struct kvm_msrs head;
    struct kvm_msr_entry entry;
};

int axvm_x86_get_msr(int vcpu, uint32_t index, uint64_t *value) {
    struct one_msr m = { .head = { .nmsrs = 1 }, .entry = { .index = index } };
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_MSRS, &m);
    if (rc < 0)
        return rc;
    if (rc != 1)
        return -EINVAL; /* KVM returns how many it read: 0 means an unknown MSR */
    *value = m.entry.data;
    return 0;
}

int axvm_x86_set_msr(int vcpu, uint32_t index, uint64_t value) {
    struct one_msr m = { .head = { .nmsrs = 1 }, .entry = { .index = index, .data = value } };
    int rc = axvm_ioctl_ptr(vcpu, KVM_SET_MSRS, &m);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : -EINVAL;
}

int axvm_x86_msr_index_list(int kvm, uint32_t *indices, int max) {
    if (max <= 0)
        return -EINVAL;
    struct kvm_msr_list *l = calloc(1, sizeof *l + (size_t)max * sizeof l->indices[0]);
    if (!l)
        return -ENOMEM;
    l->nmsrs = (uint32_t)max;
    int rc = axvm_ioctl_ptr(kvm, KVM_GET_MSR_INDEX_LIST, l);
    for (uint32_t i = 0; rc >= 0 && i < l->nmsrs; i++)
        indices[i] = l->indices[i];
    int n = rc < 0 ? rc : (int)l->nmsrs;
    free(l);
    return n;
}

static struct kvm_msrs *alloc_msrs(const uint32_t *indices, int n) {
    struct kvm_msrs *m = calloc(1, sizeof *m + (size_t)n * sizeof m->entries[0]);
    if (!m)
        return NULL;
    m->nmsrs = (uint32_t)n;
    for (int i = 0; i < n; i++)
        m->entries[i].index = indices[i];
    return m;
}

int axvm_x86_get_msrs(int vcpu, const uint32_t *indices, uint64_t *values, int n) {
    struct kvm_msrs *m = n > 0 ? alloc_msrs(indices, n) : NULL;
    if (!m)
        return n > 0 ? -ENOMEM : -EINVAL;
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_MSRS, m);
    for (int i = 0; i < rc; i++)
        values[i] = m->entries[i].data;
    free(m);
    return rc;
}

int axvm_x86_set_msrs(int vcpu, const uint32_t *indices, const uint64_t *values, int n) {
    struct kvm_msrs *m = n > 0 ? alloc_msrs(indices, n) : NULL;
    if (!m)
        return n > 0 ? -ENOMEM : -EINVAL;
    for (int i = 0; i < n; i++)
        m->entries[i].data = values[i];
    int rc = axvm_ioctl_ptr(vcpu, KVM_SET_MSRS, m);
    free(m);
    return rc;
}
