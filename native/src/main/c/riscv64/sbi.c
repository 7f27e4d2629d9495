/*
 * SBI extensions the guest may use, switched per vCPU through ONE_REG. The
 * register type exists since Linux 6.2 and the 6.1 headers lack it, so the
 * encoding is spelled out here from arch/riscv/include/uapi/asm/kvm.h.
 */
#include <linux/kvm.h>

#include "axvm_riscv.h"
#include "ioctl.h"

#define SBI_EXT_TYPE (0x08u << KVM_REG_RISCV_TYPE_SHIFT) /* KVM_REG_RISCV_SBI_EXT */
#define SBI_SINGLE (0x0u << 16)                          /* KVM_REG_RISCV_SBI_SINGLE */
#define SBI_EXT_LAST AXVM_RISCV_SBI_DBCN

static uint64_t sbi_ext_id(int ext) {
    return KVM_REG_RISCV | KVM_REG_SIZE_U64 | SBI_EXT_TYPE | SBI_SINGLE | (uint64_t)ext;
}

int axvm_riscv_sbi_ext_set(int vcpu, int ext, int enabled) {
    if (ext < 0 || ext > SBI_EXT_LAST)
        return -EINVAL;
    uint64_t value = enabled ? 1 : 0;
    struct kvm_one_reg r = { .id = sbi_ext_id(ext), .addr = (uint64_t)(uintptr_t)&value };
    return axvm_ioctl_ptr(vcpu, KVM_SET_ONE_REG, &r);
}

int axvm_riscv_sbi_ext_get(int vcpu, int ext) {
    if (ext < 0 || ext > SBI_EXT_LAST)
        return -EINVAL;
    uint64_t value = 0;
    struct kvm_one_reg r = { .id = sbi_ext_id(ext), .addr = (uint64_t)(uintptr_t)&value };
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_ONE_REG, &r);
    return rc < 0 ? rc : (int)(value != 0);
}
