/** The architecture-neutral vCPU: its state machine, exit reasons and the contract each architecture implements. */
module dev.axvm.vcpu {
    requires org.slf4j;
    requires transitive dev.axvm.addrspace;

    exports dev.axvm.vcpu;
    exports dev.axvm.vcpu.spi;

    uses dev.axvm.vcpu.spi.ArchBackend;
}
