/**
 * The aarch64 vCPU on KVM (EL2): {@link dev.axvm.vcpu.arm.ArmBackend} (found by ServiceLoader),
 * {@link dev.axvm.vcpu.arm.ArmVm} with the in-kernel vGICv3, and {@link dev.axvm.vcpu.arm.ArmVCpu}.
 */
package dev.axvm.vcpu.arm;
