/** The aarch64 vCPU on KVM (EL2). */
module dev.axvm.vcpu.arm {
    requires org.slf4j;
    requires transitive dev.axvm.vcpu;
    requires dev.axvm.kvm;

    exports dev.axvm.vcpu.arm;

    provides dev.axvm.vcpu.spi.ArchBackend with dev.axvm.vcpu.arm.ArmBackend;
}
