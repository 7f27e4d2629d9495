/*
 * KVM_RUN and the flat exit record. Java never reads kvm_run: the shim copies
 * what an exit means into uint64_t words (see enum axvm_exit_word), and writes
 * a read's result back into kvm_run just before the next KVM_RUN.
 */
#include <linux/kvm.h>
#include <string.h>
#include <sys/mman.h>

#include "axvm.h"
#include "ioctl.h"

int axvm_vcpu_map_run(int vcpu, size_t size, void **out) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (p == MAP_FAILED)
        return -errno;
    *out = p;
    return 0;
}

int axvm_vcpu_unmap_run(void *run, size_t size) {
    return munmap(run, size) < 0 ? -errno : 0;
}

static uint64_t load_le(const void *src, uint64_t size) {
    uint64_t v = 0;
    memcpy(&v, src, size > 8 ? 8 : size);
    return v;
}

static void store_le(void *dst, uint64_t v, uint64_t size) {
    memcpy(dst, &v, size > 8 ? 8 : size);
}

static void decode_io(const struct kvm_run *r, uint64_t *x) {
    x[AXVM_X_ADDR] = r->io.port;
    x[AXVM_X_SIZE] = r->io.size;
    x[AXVM_X_COUNT] = r->io.count;
    x[AXVM_X_WRITE] = r->io.direction == KVM_EXIT_IO_OUT;
    x[AXVM_X_DATA_OFFSET] = r->io.data_offset;
    x[AXVM_X_DATA] = load_le((const char *)r + r->io.data_offset, r->io.size);
}

static void decode_mmio(const struct kvm_run *r, uint64_t *x) {
    x[AXVM_X_ADDR] = r->mmio.phys_addr;
    x[AXVM_X_SIZE] = r->mmio.len;
    x[AXVM_X_COUNT] = 1;
    x[AXVM_X_WRITE] = r->mmio.is_write;
    x[AXVM_X_DATA] = load_le(r->mmio.data, r->mmio.len);
}

static void copy_args(uint64_t *x, const __u64 *src, unsigned n) {
    for (unsigned i = 0; i < n && i < 8; i++)
        x[AXVM_X_ARG0 + i] = src[i];
}

static void decode_hypercall(const struct kvm_run *r, uint64_t *x) {
    x[AXVM_X_ADDR] = r->hypercall.nr;
    copy_args(x, r->hypercall.args, 6);
    x[AXVM_X_FLAGS] |= (uint64_t)r->hypercall.longmode << 8;
}

static void decode_sbi(const struct kvm_run *r, uint64_t *x) {
    x[AXVM_X_ADDR] = r->riscv_sbi.extension_id;
    x[AXVM_X_DATA] = r->riscv_sbi.function_id;
    for (unsigned i = 0; i < 6; i++)
        x[AXVM_X_ARG0 + i] = r->riscv_sbi.args[i];
}

static uint64_t system_event(uint32_t type) {
    switch (type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN: return AXVM_EVENT_SHUTDOWN;
    case KVM_SYSTEM_EVENT_RESET: return AXVM_EVENT_RESET;
    case KVM_SYSTEM_EVENT_CRASH: return AXVM_EVENT_CRASH;
    default: return AXVM_EVENT_OTHER;
    }
}

static void decode_system_event(const struct kvm_run *r, uint64_t *x) {
    x[AXVM_X_ADDR] = system_event(r->system_event.type);
    x[AXVM_X_DATA] = r->system_event.type; /* KVM's own number, for diagnostics */
    x[AXVM_X_COUNT] = r->system_event.ndata;
    copy_args(x, r->system_event.data, r->system_event.ndata);
}

static void decode_internal(const struct kvm_run *r, uint64_t *x) {
    x[AXVM_X_ADDR] = r->internal.suberror;
    x[AXVM_X_COUNT] = r->internal.ndata;
    copy_args(x, r->internal.data, r->internal.ndata);
}

static uint64_t decode(const struct kvm_run *r, uint64_t *x) {
    switch (r->exit_reason) {
    case KVM_EXIT_IO: decode_io(r, x); return AXVM_EXIT_IO;
    case KVM_EXIT_MMIO: decode_mmio(r, x); return AXVM_EXIT_MMIO;
    case KVM_EXIT_HLT: return AXVM_EXIT_HLT;
    case KVM_EXIT_SHUTDOWN: return AXVM_EXIT_SHUTDOWN;
    case KVM_EXIT_FAIL_ENTRY:
        x[AXVM_X_ADDR] = r->fail_entry.hardware_entry_failure_reason;
        x[AXVM_X_ARG0] = r->fail_entry.cpu;
        return AXVM_EXIT_FAIL_ENTRY;
    case KVM_EXIT_INTERNAL_ERROR: decode_internal(r, x); return AXVM_EXIT_INTERNAL_ERROR;
    case KVM_EXIT_INTR: return AXVM_EXIT_INTR;
    case KVM_EXIT_SYSTEM_EVENT: decode_system_event(r, x); return AXVM_EXIT_SYSTEM_EVENT;
    case KVM_EXIT_HYPERCALL: decode_hypercall(r, x); return AXVM_EXIT_HYPERCALL;
    case KVM_EXIT_IRQ_WINDOW_OPEN: return AXVM_EXIT_IRQ_WINDOW_OPEN;
    case KVM_EXIT_RISCV_SBI: decode_sbi(r, x); return AXVM_EXIT_RISCV_SBI;
    case KVM_EXIT_DEBUG: return AXVM_EXIT_DEBUG;
    default: return AXVM_EXIT_UNKNOWN;
    }
}

/* Hands the value Java stored in the record back to the guest. */
static void complete(struct kvm_run *r, const uint64_t *x) {
    switch (x[AXVM_X_KIND]) {
    case AXVM_EXIT_IO:
        if (!x[AXVM_X_WRITE] && x[AXVM_X_COUNT] == 1)
            store_le((char *)r + r->io.data_offset, x[AXVM_X_DATA], r->io.size);
        break;
    case AXVM_EXIT_MMIO:
        if (!x[AXVM_X_WRITE])
            store_le(r->mmio.data, x[AXVM_X_DATA], r->mmio.len);
        break;
    case AXVM_EXIT_HYPERCALL: r->hypercall.ret = x[AXVM_X_DATA]; break;
    case AXVM_EXIT_RISCV_SBI:
        r->riscv_sbi.ret[0] = x[AXVM_X_DATA];
        r->riscv_sbi.ret[1] = x[AXVM_X_DATA2];
        break;
    default: break;
    }
}

static void clear(uint64_t *x) {
    memset(x, 0, AXVM_X_WORDS * sizeof *x);
}

static void decode_into(struct kvm_run *r, uint64_t *x) {
    clear(x);
    x[AXVM_X_REASON] = r->exit_reason;
    x[AXVM_X_FLAGS] = (r->ready_for_interrupt_injection ? AXVM_XF_READY_FOR_INJECTION : 0) |
                      (r->if_flag ? AXVM_XF_IF : 0);
    x[AXVM_X_KIND] = decode(r, x);
}

/* A kick (signal + immediate_exit) shows up as an INTR exit, never as an error. */
static int interrupted(struct kvm_run *r, uint64_t *x) {
    clear(x);
    x[AXVM_X_KIND] = AXVM_EXIT_INTR;
    x[AXVM_X_REASON] = KVM_EXIT_INTR;
    __atomic_store_n(&r->immediate_exit, 0, __ATOMIC_RELEASE);
    return 0;
}

int axvm_vcpu_run(int vcpu, void *run, uint64_t *x) {
    struct kvm_run *r = run;
    if (x[AXVM_X_PENDING])
        complete(r, x);
    x[AXVM_X_PENDING] = 0;
    int rc = axvm_ioctl(vcpu, KVM_RUN, 0);
    if (rc == -EINTR || rc == -EAGAIN)
        return interrupted(r, x);
    if (rc < 0)
        return rc;
    decode_into(r, x);
    return 0;
}
