/* x86 VM set-up that Intel's real-mode emulation needs (harmless elsewhere). */
#include <linux/kvm.h>

#include "axvm_x86.h"
#include "ioctl.h"

int axvm_x86_set_tss_addr(int vm, uint64_t addr) {
    return axvm_ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)addr);
}

int axvm_x86_set_identity_map_addr(int vm, uint64_t addr) {
    return axvm_ioctl_ptr(vm, KVM_SET_IDENTITY_MAP_ADDR, &addr);
}
