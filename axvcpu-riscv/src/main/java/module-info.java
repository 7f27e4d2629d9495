/** The riscv64 vCPU on KVM (H-extension). */
module dev.axvm.vcpu.riscv {
    requires org.slf4j;
    requires transitive dev.axvm.vcpu;
    requires dev.axvm.kvm;

    exports dev.axvm.vcpu.riscv;

    provides dev.axvm.vcpu.spi.ArchBackend with dev.axvm.vcpu.riscv.RiscvBackend;
}
