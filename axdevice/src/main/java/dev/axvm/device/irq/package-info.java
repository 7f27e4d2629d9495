/**
 * Interrupt controllers emulated in user space: the RISC-V {@link dev.axvm.device.irq.Plic}
 * (platform-level interrupt controller) as QEMU's {@code virt} machine has it, for riscv64 guests
 * on KVM hosts without an in-kernel AIA. Devices' interrupt lines feed it as an
 * {@link dev.axvm.device.InterruptSink}; its per-context outputs go to an
 * {@link dev.axvm.device.irq.ExternalInterruptTarget} that the VM implements.
 */
package dev.axvm.device.irq;
