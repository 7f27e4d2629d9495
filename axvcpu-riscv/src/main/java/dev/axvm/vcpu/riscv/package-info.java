/** The riscv64 vCPU on KVM (H-extension). */
package dev.axvm.vcpu.riscv;
