/*
 * x86_64-only shim functions. Registers cross the boundary as flat uint64_t
 * words in the orders documented below, never as kernel structs.
 */
#ifndef AXVM_X86_H
#define AXVM_X86_H

#include "axvm.h"

/* General registers, in x86's own encoding order (the ModRM register numbers). */
enum axvm_x86_reg {
    AXVM_X86_RAX, AXVM_X86_RCX, AXVM_X86_RDX, AXVM_X86_RBX,
    AXVM_X86_RSP, AXVM_X86_RBP, AXVM_X86_RSI, AXVM_X86_RDI,
    AXVM_X86_R8, AXVM_X86_R9, AXVM_X86_R10, AXVM_X86_R11,
    AXVM_X86_R12, AXVM_X86_R13, AXVM_X86_R14, AXVM_X86_R15,
    AXVM_X86_RIP, AXVM_X86_RFLAGS,
    AXVM_X86_REGS_WORDS,
};

/*
 * Special registers: 8 segments (cs ds es fs gs ss tr ldt) of 3 words each
 * (base, limit, attributes), then gdt base/limit, idt base/limit, cr0 cr2 cr3
 * cr4 cr8 efer apic_base. Segment attribute word bits:
 * selector 0-15, type 16-19, present 20, dpl 21-22, db 23, s 24, l 25, g 26,
 * avl 27, unusable 28.
 */
#define AXVM_X86_SEGMENTS 8
#define AXVM_X86_SREGS_WORDS (AXVM_X86_SEGMENTS * 3 + 4 + 7)

/* CPUID entries cross as 7 uint32_t words: function, index, flags, eax, ebx, ecx, edx. */
#define AXVM_X86_CPUID_WORDS 7

/* The parts of a vCPU's saved state (axvm_x86_*_vcpu_part): KVM's structs, opaque to Java. */
enum axvm_x86_vcpu_part {
    AXVM_X86_PART_REGS, AXVM_X86_PART_SREGS, AXVM_X86_PART_XSAVE, AXVM_X86_PART_XCRS,
    AXVM_X86_PART_LAPIC, AXVM_X86_PART_MP_STATE, AXVM_X86_PART_DEBUGREGS, AXVM_X86_PART_EVENTS,
    AXVM_X86_VCPU_PARTS,
};

/* The parts of a VM's in-kernel platform state (axvm_x86_*_vm_part). */
enum axvm_x86_vm_part {
    AXVM_X86_VM_PART_PIC_MASTER, AXVM_X86_VM_PART_PIC_SLAVE, AXVM_X86_VM_PART_IOAPIC,
    AXVM_X86_VM_PART_PIT,
    AXVM_X86_VM_PARTS,
};

AXVM_API int axvm_x86_get_regs(int vcpu, uint64_t *words);
AXVM_API int axvm_x86_set_regs(int vcpu, const uint64_t *words);
AXVM_API int axvm_x86_get_sregs(int vcpu, uint64_t *words);
AXVM_API int axvm_x86_set_sregs(int vcpu, const uint64_t *words);
AXVM_API int axvm_x86_supported_cpuid(int kvm, uint32_t *words, int max_entries);
AXVM_API int axvm_x86_set_cpuid(int vcpu, const uint32_t *words, int entries);
AXVM_API int axvm_x86_get_msr(int vcpu, uint32_t index, uint64_t *value);
AXVM_API int axvm_x86_set_msr(int vcpu, uint32_t index, uint64_t value);
AXVM_API int axvm_x86_msr_index_list(int kvm, uint32_t *indices, int max);
AXVM_API int axvm_x86_get_msrs(int vcpu, const uint32_t *indices, uint64_t *values, int n);
AXVM_API int axvm_x86_set_msrs(int vcpu, const uint32_t *indices, const uint64_t *values, int n);
AXVM_API int axvm_x86_vcpu_part_size(int part);
AXVM_API int axvm_x86_get_vcpu_part(int vcpu, int part, void *buf);
AXVM_API int axvm_x86_set_vcpu_part(int vcpu, int part, const void *buf);
AXVM_API int axvm_x86_vm_part_size(int part);
AXVM_API int axvm_x86_get_vm_part(int vm, int part, void *buf);
AXVM_API int axvm_x86_set_vm_part(int vm, int part, const void *buf);
AXVM_API int axvm_x86_get_clock(int vm, uint64_t *ns);
AXVM_API int axvm_x86_set_clock(int vm, uint64_t ns);
AXVM_API int axvm_x86_interrupt(int vcpu, uint32_t vector);
AXVM_API void axvm_x86_request_irq_window(void *run, int on);
AXVM_API int axvm_x86_create_irqchip(int vm);
AXVM_API int axvm_x86_create_pit2(int vm);
AXVM_API int axvm_x86_set_tss_addr(int vm, uint64_t addr);
AXVM_API int axvm_x86_set_identity_map_addr(int vm, uint64_t addr);
AXVM_API int axvm_x86_signal_msi(int vm, uint64_t address, uint32_t data);

#endif
