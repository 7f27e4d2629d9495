/*
 * What a riscv64 guest's device tree must say about its harts, as KVM's ONE_REG interface
 * reports it: the ISA (the config register's single-letter bitmap and one register per
 * multi-letter extension), the satp paging mode, and the timer's frequency. The register
 * indexes are spelled out from arch/riscv/include/uapi/asm/kvm.h: the 6.1 headers lack the
 * later ones, and the kernels that run guests are newer.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "axvm_riscv.h"
#include "ioctl.h"

#define CONFIG_TYPE (0x01u << KVM_REG_RISCV_TYPE_SHIFT)  /* KVM_REG_RISCV_CONFIG */
#define TIMER_TYPE (0x04u << KVM_REG_RISCV_TYPE_SHIFT)   /* KVM_REG_RISCV_TIMER */
#define ISA_EXT_TYPE (0x05u << KVM_REG_RISCV_TYPE_SHIFT) /* KVM_REG_RISCV_ISA_EXT, single */
#define CONFIG_ISA 0                                     /* struct kvm_riscv_config: isa */
#define CONFIG_SATP_MODE 6                               /* ... zicboz_block_size, satp_mode (6.5+) */
#define TIMER_FREQUENCY 0                                /* struct kvm_riscv_timer: frequency */
#define FIRST_MULTI_LETTER 7                             /* KVM_RISCV_ISA_EXT_SVPBMT */

/* enum KVM_RISCV_ISA_EXT_ID from KVM_RISCV_ISA_EXT_SVPBMT (7) to KVM_RISCV_ISA_EXT_ZIHPM (22). */
static const char *const multi_letter[] = {
    "svpbmt", "sstc", "svinval", "zihintpause", "zicbom", "zicboz", "zbb", "ssaia",
    NULL /* 15 is V, a single letter */, "svnapot", "zba", "zbs", "zicntr", "zicsr", "zifencei", "zihpm",
};

static int get_u64(int vcpu, uint64_t id, uint64_t *value) {
    struct kvm_one_reg r = { .id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | id, .addr = (uint64_t)(uintptr_t)value };
    return axvm_ioctl_ptr(vcpu, KVM_GET_ONE_REG, &r);
}

static int append(char *buf, size_t len, size_t *at, const char *s) {
    int n = snprintf(buf + *at, len - *at, "%s", s);
    if (n < 0 || (size_t)n >= len - *at)
        return -ENOSPC;
    *at += (size_t)n;
    return 0;
}

int axvm_riscv_isa_string(int vcpu, char *buf, size_t len) {
    uint64_t letters;
    int rc = get_u64(vcpu, CONFIG_TYPE | CONFIG_ISA, &letters);
    if (rc < 0)
        return rc;
    size_t at = 0;
    if ((rc = append(buf, len, &at, "rv64")) < 0)
        return rc;
    static const char order[] = "imafdqcbkjtpv"; /* the ISA manual's canonical order; h is the host's */
    for (const char *c = order; *c; c++) {
        char letter[2] = { *c, 0 };
        if ((letters & (1ULL << (*c - 'a'))) && (rc = append(buf, len, &at, letter)) < 0)
            return rc;
    }
    for (size_t i = 0; i < sizeof multi_letter / sizeof multi_letter[0]; i++) {
        uint64_t on = 0;
        if (!multi_letter[i] || get_u64(vcpu, ISA_EXT_TYPE | (FIRST_MULTI_LETTER + i), &on) < 0 || !on)
            continue; /* unknown to this kernel (-ENOENT) or off */
        if ((rc = append(buf, len, &at, "_")) < 0 || (rc = append(buf, len, &at, multi_letter[i])) < 0)
            return rc;
    }
    return (int)at;
}

int axvm_riscv_satp_mode(int vcpu) {
    uint64_t mode;
    int rc = get_u64(vcpu, CONFIG_TYPE | CONFIG_SATP_MODE, &mode);
    return rc < 0 ? rc : (int)mode;
}

int axvm_riscv_timebase(int vcpu, uint64_t *hz) {
    return get_u64(vcpu, TIMER_TYPE | TIMER_FREQUENCY, hz);
}
