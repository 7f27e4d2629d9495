package dev.axvm.device.irq;

/**
 * Where a {@link Plic}'s outputs go: the external-interrupt input of each hart context, i.e. the
 * {@code mip.MEIP} / {@code mip.SEIP} wire of one hart. The VM implements it; for a KVM guest only
 * {@link PrivilegeMode#SUPERVISOR} matters (the guest runs in VS-mode), and the VM turns a change
 * into {@code KVM_INTERRUPT} with {@code KVM_INTERRUPT_SET} / {@code KVM_INTERRUPT_UNSET} on that
 * hart's vCPU. {@link RecordingExternalInterruptTarget} is the test double.
 *
 * <p>What the PLIC guarantees: it calls this only when a context's level changes, so for one
 * context consecutive calls alternate between asserted and deasserted; calls never overlap
 * (one at a time, in the order the PLIC decided them); each carries the context's level at the
 * moment it was taken; and no lock of the PLIC is held during a call, so the implementation may
 * call back into the PLIC (read registers, drive lines) from the same or another thread.
 * The call may come from any thread that touched the PLIC: a vCPU thread writing a register, or a
 * host thread driving a line. It must not block on the guest and should not throw.
 */
@FunctionalInterface
public interface ExternalInterruptTarget {
    /**
     * Drives the external-interrupt input of {@code hart}'s {@code mode} context to {@code asserted}.
     *
     * @param hart the hart (the vCPU index inside the VM)
     * @param mode which of the hart's contexts
     * @param asserted the new level: true when the context has a pending, enabled interrupt whose
     *     priority exceeds its threshold
     */
    void setExternalInterrupt(int hart, PrivilegeMode mode, boolean asserted);
}
