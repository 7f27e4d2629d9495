/*
 * The vGICv3's state as KVM lets user space read and write it: the
 * distributor, each vCPU's redistributor and CPU interface, and the input
 * line levels. Flattened into 64-bit words in an order only this file knows;
 * the order is the restore order (configuration before pending and active
 * state, enables last, each CPU interface's ICC_CTLR before the registers
 * whose number it sets). No ITS, so no LPI state.
 */
#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>

#include "axvm_arm64.h"
#include "ioctl.h"

#define SPI_BASE 32u
#define SGI_FRAME 0x10000u /* a redistributor's SGI/PPI registers, at the distributor's offsets */
#define GICD_CTLR 0x0000u
#define GICR_CTLR 0x0000u
#define GICD_IROUTER 0x6000u
#define LEVEL_CHUNK 32u

/* A banked register: `bits` per interrupt, and the write-1-to-clear twin a restore writes first. */
struct bank {
    uint32_t offset;
    uint32_t clear;
    uint32_t bits;
};

static const struct bank banks[] = {
    { 0x0080, 0, 1 },      /* IGROUPR */
    { 0x0d00, 0, 1 },      /* IGRPMODR */
    { 0x0c00, 0, 2 },      /* ICFGR */
    { 0x0400, 0, 8 },      /* IPRIORITYR */
    { 0x0200, 0x0280, 1 }, /* ISPENDR / ICPENDR */
    { 0x0300, 0x0380, 1 }, /* ISACTIVER / ICACTIVER */
    { 0x0100, 0x0180, 1 }, /* ISENABLER / ICENABLER */
};

#define SYSREG(op1, crn, crm, op2) \
    ((uint64_t)(3u << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2)))
#define APR_FIRST 5 /* sysregs[] from here on are ICC_AP0Rn/AP1Rn: how many exist depends on ICC_CTLR */

static const uint64_t sysregs[] = {
    SYSREG(0, 12, 12, 4), /* ICC_CTLR_EL1: first, it sets the priority bits the APRs follow */
    SYSREG(0, 12, 12, 5), /* ICC_SRE_EL1 */
    SYSREG(0, 4, 6, 0),   /* ICC_PMR_EL1 */
    SYSREG(0, 12, 8, 3),  /* ICC_BPR0_EL1 */
    SYSREG(0, 12, 12, 3), /* ICC_BPR1_EL1 */
    SYSREG(0, 12, 8, 4), SYSREG(0, 12, 8, 5), SYSREG(0, 12, 8, 6), SYSREG(0, 12, 8, 7), /* ICC_AP0R0..3 */
    SYSREG(0, 12, 9, 0), SYSREG(0, 12, 9, 1), SYSREG(0, 12, 9, 2), SYSREG(0, 12, 9, 3), /* ICC_AP1R0..3 */
    SYSREG(0, 12, 12, 6), /* ICC_IGRPEN0_EL1 */
    SYSREG(0, 12, 12, 7), /* ICC_IGRPEN1_EL1: last, so nothing is signalled half-restored */
};

/* One pass over the state: counts words (dev < 0), reads them, or writes them. */
struct walk {
    int dev;
    bool write;
    uint64_t *words;
    int at;
};

static int access(struct walk *w, uint32_t group, uint64_t attr, void *value) {
    struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)value };
    return axvm_ioctl_ptr(w->dev, w->write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a);
}

/* The vGIC's affinity format (Aff3.Aff2.Aff1.Aff0 in 32 bits) in the attribute's top half. */
static uint64_t cpu_attr(uint64_t mpidr) {
    uint64_t aff = (mpidr & 0xffffffu) | (mpidr >> 32 & 0xffu) << 24;
    return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static int word32(struct walk *w, uint32_t group, uint64_t attr, uint64_t clear_attr) {
    int at = w->at++;
    if (w->dev < 0)
        return 0;
    uint32_t v = (uint32_t)w->words[at];
    if (!w->write) {
        int rc = access(w, group, attr, &v);
        w->words[at] = v;
        return rc;
    }
    uint32_t all = ~0u;
    int rc = clear_attr ? access(w, group, clear_attr, &all) : 0;
    return rc < 0 ? rc : access(w, group, attr, &v);
}

/* Interrupts first..end-1 of every bank, at `frame` in `group` for the CPU `cpu`. */
static int banks_of(struct walk *w, uint32_t group, uint64_t cpu, uint32_t frame, uint32_t first, uint32_t end) {
    for (size_t b = 0; b < sizeof banks / sizeof banks[0]; b++) {
        const struct bank *k = &banks[b];
        for (uint32_t bit = first * k->bits; bit < end * k->bits; bit += 32) {
            uint64_t off = frame + k->offset + bit / 8;
            uint64_t clear = k->clear ? cpu | (frame + k->clear + bit / 8) : 0;
            int rc = word32(w, group, cpu | off, clear);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

static int levels(struct walk *w, uint64_t cpu, uint32_t first, uint32_t end) {
    for (uint32_t intid = first; intid < end; intid += LEVEL_CHUNK) {
        uint64_t attr = cpu | (uint64_t)VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT | intid;
        int rc = word32(w, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, attr, 0);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* An APR beyond the priority bits the CPU interface has does not exist: it reads as 0, and a 0 is not written. */
static int sysreg(struct walk *w, uint64_t cpu, size_t i) {
    int at = w->at++;
    if (w->dev < 0)
        return 0;
    if (w->write && i >= APR_FIRST && w->words[at] == 0)
        return 0;
    int rc = access(w, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, cpu | sysregs[i], &w->words[at]);
    if (rc == -EINVAL && !w->write && i >= APR_FIRST) {
        w->words[at] = 0;
        return 0;
    }
    return rc;
}

static int distributor(struct walk *w, uint32_t nr_irqs) {
    int rc = banks_of(w, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, 0, SPI_BASE, nr_irqs);
    /* IROUTER is 64 bits per SPI, which KVM gives out as two 32-bit halves. */
    for (uint32_t half = 2 * SPI_BASE; rc >= 0 && half < 2 * nr_irqs; half++)
        rc = word32(w, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_IROUTER + (uint64_t)half * 4, 0);
    return rc < 0 ? rc : levels(w, 0, SPI_BASE, nr_irqs);
}

static int cpu(struct walk *w, uint64_t mpidr) {
    uint64_t c = cpu_attr(mpidr);
    int rc = word32(w, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, c | GICR_CTLR, 0);
    if (rc >= 0)
        rc = banks_of(w, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, c, SGI_FRAME, 0, SPI_BASE);
    if (rc >= 0)
        rc = levels(w, c, 0, SPI_BASE);
    for (size_t i = 0; rc >= 0 && i < sizeof sysregs / sizeof sysregs[0]; i++)
        rc = sysreg(w, c, i);
    return rc;
}

/* GICD_CTLR, the CPUs, then the SPIs: the distributor's routing needs the redistributors in place. */
static int walk_all(struct walk *w, uint32_t nr_irqs, uint32_t vcpus, const uint64_t *mpidrs) {
    if (nr_irqs < SPI_BASE || nr_irqs % LEVEL_CHUNK || vcpus == 0)
        return -EINVAL;
    int rc = word32(w, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, 0);
    for (uint32_t v = 0; rc >= 0 && v < vcpus; v++)
        rc = cpu(w, mpidrs ? mpidrs[v] : 0);
    if (rc >= 0)
        rc = distributor(w, nr_irqs);
    return rc < 0 ? rc : w->at;
}

int axvm_arm64_vgic_state_words(uint32_t nr_irqs, uint32_t vcpus) {
    struct walk w = { .dev = -1 };
    return walk_all(&w, nr_irqs, vcpus, NULL);
}

int axvm_arm64_vgic_save(int dev, uint32_t nr_irqs, uint32_t vcpus, const uint64_t *mpidrs, uint64_t *words) {
    struct walk w = { .dev = dev, .write = false, .words = words };
    return walk_all(&w, nr_irqs, vcpus, mpidrs);
}

int axvm_arm64_vgic_restore(int dev, uint32_t nr_irqs, uint32_t vcpus, const uint64_t *mpidrs, uint64_t *words) {
    struct walk w = { .dev = dev, .write = true, .words = words };
    return walk_all(&w, nr_irqs, vcpus, mpidrs);
}
