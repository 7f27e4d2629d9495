/*
 * riscv64-only shim functions. Registers are named by AxVM's own numbers
 * (enum axvm_riscv_reg); the KVM_GET/SET_ONE_REG ids are computed here and
 * nowhere else.
 */
#ifndef AXVM_RISCV_H
#define AXVM_RISCV_H

#include "axvm.h"

/*
 * Registers: x1..x31 keep their architectural numbers (x1 = ra ... x31 = t6),
 * so that setGpr(n) is xn; number 0, which would be the hard-wired zero
 * register, is the PC instead; then the privilege mode and the S-mode CSRs
 * that KVM keeps for the guest (its VS-mode view).
 */
enum axvm_riscv_reg {
    AXVM_RISCV_PC = 0,
    AXVM_RISCV_X1 = 1,
    AXVM_RISCV_X31 = 31,
    AXVM_RISCV_MODE = 32,
    AXVM_RISCV_SSTATUS = 33,
    AXVM_RISCV_SIE = 34,
    AXVM_RISCV_STVEC = 35,
    AXVM_RISCV_SSCRATCH = 36,
    AXVM_RISCV_SEPC = 37,
    AXVM_RISCV_SCAUSE = 38,
    AXVM_RISCV_STVAL = 39,
    AXVM_RISCV_SIP = 40,
    AXVM_RISCV_SATP = 41,
    AXVM_RISCV_REG_COUNT = 42,
};

/* SBI extensions by KVM's own index (enum KVM_RISCV_SBI_EXT_ID, Linux 6.2+). */
enum axvm_riscv_sbi_ext {
    AXVM_RISCV_SBI_V01 = 0,
    AXVM_RISCV_SBI_TIME = 1,
    AXVM_RISCV_SBI_IPI = 2,
    AXVM_RISCV_SBI_RFENCE = 3,
    AXVM_RISCV_SBI_SRST = 4,
    AXVM_RISCV_SBI_HSM = 5,
    AXVM_RISCV_SBI_PMU = 6,
    AXVM_RISCV_SBI_EXPERIMENTAL = 7,
    AXVM_RISCV_SBI_VENDOR = 8,
    AXVM_RISCV_SBI_DBCN = 9,
};

/* regs.c */
AXVM_API int axvm_riscv_get_reg(int vcpu, int reg, uint64_t *value);
AXVM_API int axvm_riscv_set_reg(int vcpu, int reg, uint64_t value);
/* Reads registers first..first+count-1 into values[0..count-1] (one ONE_REG each). */
AXVM_API int axvm_riscv_get_regs(int vcpu, int first, int count, uint64_t *values);
/* The KVM_GET_ONE_REG id of reg, for diagnostics and tests of the encoding. */
AXVM_API int axvm_riscv_reg_id(int reg, uint64_t *id);

/* sbi.c: switches SBI extension ext (enum axvm_riscv_sbi_ext) on or off; before the first KVM_RUN. */
AXVM_API int axvm_riscv_sbi_ext_set(int vcpu, int ext, int enabled);
/* Whether SBI extension ext is on: 1, 0, or -errno (-ENOENT: this kernel does not know it). */
AXVM_API int axvm_riscv_sbi_ext_get(int vcpu, int ext);

/* irq.c: KVM_INTERRUPT SET/UNSET of the vCPU's S-mode external interrupt (no AIA). Any thread. */
AXVM_API int axvm_riscv_external_irq(int vcpu, int level);
/* Whether the VM could create KVM's in-kernel AIA device (KVM_CREATE_DEVICE_TEST): 1, 0, or -errno. */
AXVM_API int axvm_riscv_aia_available(int vm);

/* platform.c: what the guest's device tree says of its harts. The ISA string ("rv64imafdc_zicsr...")
   into buf (NUL-terminated): its length or -errno (-ENOSPC when len is too small). */
AXVM_API int axvm_riscv_isa_string(int vcpu, char *buf, size_t len);
/* The satp paging mode KVM gives the guest (8 sv39, 9 sv48, 10 sv57), or -errno (-ENOENT before 6.5). */
AXVM_API int axvm_riscv_satp_mode(int vcpu);
/* The vCPU timer's frequency in Hz. */
AXVM_API int axvm_riscv_timebase(int vcpu, uint64_t *hz);

#endif
