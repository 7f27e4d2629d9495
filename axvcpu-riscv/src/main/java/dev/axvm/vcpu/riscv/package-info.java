/**
 * The riscv64 vCPU on KVM (H-extension): {@link dev.axvm.vcpu.riscv.RiscvBackend} (found by
 * ServiceLoader), {@link dev.axvm.vcpu.riscv.RiscvVm}, {@link dev.axvm.vcpu.riscv.RiscvVCpu} and the
 * SBI debug console hook {@link dev.axvm.vcpu.riscv.SbiDebugConsole}.
 */
package dev.axvm.vcpu.riscv;
