/** The x86_64 vCPU on KVM (VT-x, SVM or PVM underneath). */
module dev.axvm.vcpu.x86 {
    requires org.slf4j;
    requires transitive dev.axvm.vcpu;
    requires dev.axvm.kvm;

    exports dev.axvm.vcpu.x86;

    provides dev.axvm.vcpu.spi.ArchBackend with dev.axvm.vcpu.x86.X86Backend;
}
