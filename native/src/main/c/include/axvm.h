/*
 * The AxVM shim: the only place that knows KVM's ABI (ioctl numbers, struct
 * layouts, register ids). Java sees plain ints, pointers and the flat exit
 * record below. Every function returns >= 0 on success or -errno.
 */
#ifndef AXVM_H
#define AXVM_H

#include <stddef.h>
#include <stdint.h>

#define AXVM_API __attribute__((visibility("default")))

/* Bumped whenever the exit record or a signature changes; Java checks it. */
#define AXVM_ABI_VERSION 5

/* Exit kinds reported in the exit record (ours, not KVM's numbers). */
enum axvm_exit_kind {
    AXVM_EXIT_NONE = 0,
    AXVM_EXIT_IO = 1,
    AXVM_EXIT_MMIO = 2,
    AXVM_EXIT_HLT = 3,
    AXVM_EXIT_SHUTDOWN = 4,
    AXVM_EXIT_FAIL_ENTRY = 5,
    AXVM_EXIT_INTERNAL_ERROR = 6,
    AXVM_EXIT_INTR = 7,
    AXVM_EXIT_SYSTEM_EVENT = 8,
    AXVM_EXIT_HYPERCALL = 9,
    AXVM_EXIT_IRQ_WINDOW_OPEN = 10,
    AXVM_EXIT_RISCV_SBI = 11,
    AXVM_EXIT_DEBUG = 12,
    AXVM_EXIT_UNKNOWN = 255,
};

/* Word indices of the flat exit record (each word is a uint64_t). */
enum axvm_exit_word {
    AXVM_X_KIND = 0,        /* enum axvm_exit_kind */
    AXVM_X_REASON = 1,      /* KVM's raw exit reason, for diagnostics */
    AXVM_X_ADDR = 2,        /* port or guest-physical address */
    AXVM_X_SIZE = 3,        /* bytes per access */
    AXVM_X_COUNT = 4,       /* accesses (string I/O) */
    AXVM_X_WRITE = 5,       /* 1 when the guest writes */
    AXVM_X_DATA = 6,        /* a write's value; Java stores a read's result here */
    AXVM_X_DATA_OFFSET = 7, /* offset of the I/O data inside the run area */
    AXVM_X_FLAGS = 8,       /* AXVM_XF_* */
    AXVM_X_PENDING = 9,     /* Java sets 1 to hand DATA/DATA2 back to the guest */
    AXVM_X_DATA2 = 10,      /* second return value (SBI value) */
    AXVM_X_ARG0 = 11,       /* 8 exit-specific words follow */
    AXVM_X_WORDS = 19,
};

/* System events (AXVM_X_ADDR of AXVM_EXIT_SYSTEM_EVENT), ours: KVM's numbers differ across versions' headers. */
enum axvm_system_event {
    AXVM_EVENT_OTHER = 0,    /* wake-up, suspend, ... : not the end of the system */
    AXVM_EVENT_SHUTDOWN = 1, /* PSCI SYSTEM_OFF, SBI SRST shutdown */
    AXVM_EVENT_RESET = 2,    /* PSCI SYSTEM_RESET, SBI SRST reboot */
    AXVM_EVENT_CRASH = 3,    /* the guest reported a crash */
};

/* Bits of AXVM_X_FLAGS. */
#define AXVM_XF_READY_FOR_INJECTION 1u /* x86: an interrupt can be injected now */
#define AXVM_XF_IF 2u                  /* x86: guest RFLAGS.IF */

/* Capabilities, by our own numbering; the shim maps them to KVM_CAP_*. */
enum axvm_cap {
    AXVM_CAP_USER_MEMORY = 0,
    AXVM_CAP_IRQCHIP = 1,
    AXVM_CAP_HLT = 2,
    AXVM_CAP_IMMEDIATE_EXIT = 3,
    AXVM_CAP_NR_VCPUS = 4,
    AXVM_CAP_MAX_VCPUS = 5,
    AXVM_CAP_NR_MEMSLOTS = 6,
    AXVM_CAP_ONE_REG = 7,
    AXVM_CAP_IOEVENTFD = 8,
    AXVM_CAP_IRQFD = 9,
    AXVM_CAP_READONLY_MEM = 10,
    AXVM_CAP_EXIT_HYPERCALL = 11,
    AXVM_CAP_SPLIT_IRQCHIP = 12,
    AXVM_CAP_PIT2 = 13,
    AXVM_CAP_ARM_PSCI_0_2 = 14,
    AXVM_CAP_DEVICE_CTRL = 15,
    AXVM_CAP_SYSTEM_EVENT_DATA = 16,
    AXVM_CAP_COUNT = 17,
};

/* common/abi.c */
AXVM_API int axvm_abi_version(void);
AXVM_API int axvm_exit_words(void);
AXVM_API const char *axvm_errno_name(int err);
AXVM_API const char *axvm_errno_text(int err);

/* common/fd.c */
AXVM_API int axvm_open(const char *path);
AXVM_API int axvm_close(int fd);

/* common/system.c */
AXVM_API int axvm_kvm_api_version(int kvm);
AXVM_API int axvm_kvm_check_cap(int fd, int cap);
AXVM_API int axvm_kvm_vcpu_mmap_size(int kvm);
AXVM_API int axvm_kvm_create_vm(int kvm, unsigned long type);

/* common/vm.c */
AXVM_API int axvm_vm_set_memory(int vm, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size, void *host);
AXVM_API int axvm_vm_create_vcpu(int vm, unsigned long id);
AXVM_API int axvm_vm_irq_line(int vm, uint32_t irq, uint32_t level);
AXVM_API int axvm_vm_ioeventfd(int vm, uint64_t addr, uint32_t len, int fd, int deassign);
AXVM_API int axvm_vm_dirty_log(int vm, uint32_t slot, uint64_t *bitmap);

/* onereg.c: registers by KVM's ids, and the run state (arm64, riscv64 snapshots). */
AXVM_API int axvm_reg_list(int vcpu, uint64_t *ids, int max);
AXVM_API int axvm_one_reg_size(uint64_t id);
AXVM_API int axvm_get_one_reg(int vcpu, uint64_t id, void *buf);
AXVM_API int axvm_set_one_reg(int vcpu, uint64_t id, const void *buf);
AXVM_API int axvm_get_mp_state(int vcpu);
AXVM_API int axvm_set_mp_state(int vcpu, uint32_t state);

/* common/eventfd.c */
AXVM_API int axvm_eventfd_create(void);
AXVM_API int axvm_eventfd_wait(int fd);
AXVM_API int axvm_eventfd_signal(int fd);

/* common/run.c */
AXVM_API int axvm_vcpu_map_run(int vcpu, size_t size, void **out);
AXVM_API int axvm_vcpu_unmap_run(void *run, size_t size);
AXVM_API int axvm_vcpu_run(int vcpu, void *run, uint64_t *exit);

/* common/memory.c */
AXVM_API int axvm_map_anonymous(size_t size, void **out);
AXVM_API int axvm_unmap(void *addr, size_t size);
AXVM_API int axvm_discard(void *addr, size_t size);
AXVM_API int axvm_map_file_private(void *addr, size_t size, const char *path, uint64_t offset);
AXVM_API int axvm_remap_anonymous(void *addr, size_t size);

/* common/host.c */
AXVM_API int axvm_current_cpu(void);

/* common/terminal.c */
AXVM_API size_t axvm_term_state_size(void);
AXVM_API int axvm_term_is_terminal(int fd);
AXVM_API int axvm_term_save(int fd, void *state);
AXVM_API int axvm_term_restore(int fd, const void *state);
AXVM_API int axvm_term_make_raw(void *state, int keep_output_processing);

/* common/kick.c */
AXVM_API int axvm_kick_install(void);
AXVM_API int axvm_thread_prepare(void);
AXVM_API int axvm_vcpu_kick(void *run, int tid);

#endif
