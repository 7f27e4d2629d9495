/**
 * The native layer of AxVM: the C shim over Linux KVM, its loader, and the
 * architecture-neutral KVM binding ({@link dev.axvm.kvm.Kvm}, {@link dev.axvm.kvm.KvmVm},
 * {@link dev.axvm.kvm.KvmVcpu}). Per-architecture register access lives in the
 * axvcpu-x86/-arm/-riscv modules, which reach the shim through the qualified export below.
 */
module dev.axvm.kvm {
    requires org.slf4j;

    exports dev.axvm.kvm;
    exports dev.axvm.kvm.internal to dev.axvm.vcpu.x86, dev.axvm.vcpu.arm, dev.axvm.vcpu.riscv;
}
