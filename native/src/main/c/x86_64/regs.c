/* General registers as flat words in x86 encoding order. */
#include <linux/kvm.h>

#include "axvm_x86.h"
#include "ioctl.h"

int axvm_x86_get_regs(int vcpu, uint64_t *w) {
    struct kvm_regs r;
    int rc = axvm_ioctl_ptr(vcpu, KVM_GET_REGS, &r);
    if (rc < 0)
        return rc;
    w[AXVM_X86_RAX] = r.rax; w[AXVM_X86_RCX] = r.rcx; w[AXVM_X86_RDX] = r.rdx; w[AXVM_X86_RBX] = r.rbx;
    w[AXVM_X86_RSP] = r.rsp; w[AXVM_X86_RBP] = r.rbp; w[AXVM_X86_RSI] = r.rsi; w[AXVM_X86_RDI] = r.rdi;
    w[AXVM_X86_R8] = r.r8; w[AXVM_X86_R9] = r.r9; w[AXVM_X86_R10] = r.r10; w[AXVM_X86_R11] = r.r11;
    w[AXVM_X86_R12] = r.r12; w[AXVM_X86_R13] = r.r13; w[AXVM_X86_R14] = r.r14; w[AXVM_X86_R15] = r.r15;
    w[AXVM_X86_RIP] = r.rip; w[AXVM_X86_RFLAGS] = r.rflags;
    return 0;
}

int axvm_x86_set_regs(int vcpu, const uint64_t *w) {
    struct kvm_regs r = {
        .rax = w[AXVM_X86_RAX], .rcx = w[AXVM_X86_RCX], .rdx = w[AXVM_X86_RDX], .rbx = w[AXVM_X86_RBX],
        .rsp = w[AXVM_X86_RSP], .rbp = w[AXVM_X86_RBP], .rsi = w[AXVM_X86_RSI], .rdi = w[AXVM_X86_RDI],
        .r8 = w[AXVM_X86_R8], .r9 = w[AXVM_X86_R9], .r10 = w[AXVM_X86_R10], .r11 = w[AXVM_X86_R11],
        .r12 = w[AXVM_X86_R12], .r13 = w[AXVM_X86_R13], .r14 = w[AXVM_X86_R14], .r15 = w[AXVM_X86_R15],
        .rip = w[AXVM_X86_RIP], .rflags = w[AXVM_X86_RFLAGS],
    };
    return axvm_ioctl_ptr(vcpu, KVM_SET_REGS, &r);
}
