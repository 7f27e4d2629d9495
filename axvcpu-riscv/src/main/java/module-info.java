/** The riscv64 vCPU on KVM (H-extension). */
module dev.axvm.vcpu.riscv {
    requires org.slf4j;
    requires transitive dev.axvm.vcpu;
    requires dev.axvm.kvm;

    // exports (once the first type lands) dev.axvm.vcpu.riscv;
}
