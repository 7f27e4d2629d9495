/*
 * aarch64-only shim functions. Registers are named by AxVM's own numbers
 * (enum axvm_arm64_reg); the KVM_GET/SET_ONE_REG ids are computed here and
 * nowhere else.
 */
#ifndef AXVM_ARM64_H
#define AXVM_ARM64_H

#include "axvm.h"

/*
 * Registers: x0..x30 keep their architectural numbers, so that setGpr(n)
 * is xn; then the other core registers; then the EL1 system registers.
 */
enum axvm_arm64_reg {
    AXVM_ARM64_X0 = 0,
    AXVM_ARM64_X30 = 30,
    AXVM_ARM64_SP_EL0 = 31,
    AXVM_ARM64_PC = 32,
    AXVM_ARM64_PSTATE = 33,
    AXVM_ARM64_SP_EL1 = 34,
    AXVM_ARM64_ELR_EL1 = 35,
    AXVM_ARM64_SPSR_EL1 = 36,
    AXVM_ARM64_MPIDR_EL1 = 37,
    AXVM_ARM64_SCTLR_EL1 = 38,
    AXVM_ARM64_TCR_EL1 = 39,
    AXVM_ARM64_TTBR0_EL1 = 40,
    AXVM_ARM64_TTBR1_EL1 = 41,
    AXVM_ARM64_MAIR_EL1 = 42,
    AXVM_ARM64_VBAR_EL1 = 43,
    AXVM_ARM64_ESR_EL1 = 44,
    AXVM_ARM64_FAR_EL1 = 45,
    AXVM_ARM64_CPACR_EL1 = 46,
    AXVM_ARM64_TPIDR_EL1 = 47,
    AXVM_ARM64_REG_COUNT = 48,
};

/* Flags of axvm_arm64_vcpu_init. */
#define AXVM_ARM64_INIT_POWER_OFF 1u /* start powered off: PSCI CPU_ON starts it */

/* KVM_ARM_IRQ_TYPE_* of axvm_arm64_irq_line. */
#define AXVM_ARM64_IRQ_CPU 0u /* the vCPU's IRQ (0) or FIQ (1) input, no vGIC */
#define AXVM_ARM64_IRQ_SPI 1u /* shared peripheral interrupt: INTID 32.. */
#define AXVM_ARM64_IRQ_PPI 2u /* private peripheral interrupt of one vCPU: INTID 16..31 */

/* regs.c */
AXVM_API int axvm_arm64_get_reg(int vcpu, int reg, uint64_t *value);
AXVM_API int axvm_arm64_set_reg(int vcpu, int reg, uint64_t value);
/* Reads registers first..first+count-1 into values[0..count-1] (one ONE_REG each). */
AXVM_API int axvm_arm64_get_regs(int vcpu, int first, int count, uint64_t *values);
/* The KVM_GET_ONE_REG id of reg, for diagnostics and tests of the encoding. */
AXVM_API int axvm_arm64_reg_id(int reg, uint64_t *id);

/* vcpu.c: KVM_ARM_PREFERRED_TARGET then KVM_ARM_VCPU_INIT with PSCI 0.2; returns the target. */
AXVM_API int axvm_arm64_vcpu_init(int vm, int vcpu, uint32_t flags);

/* vgic.c: a vGICv3 device with its distributor and redistributor region; returns the device fd. */
AXVM_API int axvm_arm64_vgic_v3_create(int vm, uint64_t dist, uint64_t redist, uint32_t nr_irqs);
/* KVM_DEV_ARM_VGIC_CTRL_INIT: after every vCPU exists, before the first runs. */
AXVM_API int axvm_arm64_vgic_v3_init(int dev);
/* KVM_IRQ_LINE with the arm64 encoding of type, target vCPU index and interrupt number. */
AXVM_API int axvm_arm64_irq_line(int vm, uint32_t type, uint32_t vcpu_index, uint32_t num, uint32_t level);

/* vgicstate.c: the vGICv3's state (distributor, each vCPU's redistributor and CPU interface,
 * line levels) as 64-bit words in an order only the shim knows. How many words a vGIC of
 * nr_irqs interrupts and vcpus vCPUs (MPIDRs mpidrs[0..vcpus-1]) has: */
AXVM_API int axvm_arm64_vgic_state_words(uint32_t nr_irqs, uint32_t vcpus);
/* Reads them into words; returns how many. Every vCPU must be out of KVM_RUN. */
AXVM_API int axvm_arm64_vgic_save(int dev, uint32_t nr_irqs, uint32_t vcpus, const uint64_t *mpidrs, uint64_t *words);
/* Writes them back to an initialised vGIC of the same shape, before any vCPU runs. */
AXVM_API int axvm_arm64_vgic_restore(int dev, uint32_t nr_irqs, uint32_t vcpus, const uint64_t *mpidrs, uint64_t *words);

/* smccc.c: whether the VM offers KVM_ARM_VM_SMCCC_FILTER (Linux 6.4+): 1, 0, or -errno. */
AXVM_API int axvm_arm64_smccc_filter_available(int vm);
/* Forwards SMCCC function ids base..base+count-1 to user space as KVM_EXIT_HYPERCALL. */
AXVM_API int axvm_arm64_smccc_forward(int vm, uint32_t base, uint32_t count);

#endif
