/** The aarch64 vCPU on KVM (EL2). */
package dev.axvm.vcpu.arm;
