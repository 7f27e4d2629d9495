/** The x86_64 vCPU on KVM (VT-x or SVM underneath). */
module dev.axvm.vcpu.x86 {
    requires org.slf4j;
    requires transitive dev.axvm.vcpu;
    requires dev.axvm.kvm;

    // exports (once the first type lands) dev.axvm.vcpu.x86;
}
