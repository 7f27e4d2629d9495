package dev.axvm.vcpu.x86;

/**
 * The register state a vCPU starts from.
 *
 * @param sregs segment, descriptor-table and control registers
 * @param rip the instruction pointer (an offset into CS in real mode)
 * @param rsp the stack pointer
 * @param rflags the flags (bit 1 is always set)
 */
public record X86BootState(X86SpecialRegisters sregs, long rip, long rsp, long rflags) {}
