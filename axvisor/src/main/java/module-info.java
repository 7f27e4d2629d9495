/** AxVisor for Java: the reference host VMM and its command line. */
module dev.axvm.axvisor {
    requires dev.axvm.vm;
    requires dev.axvm.kvm;
    requires info.picocli;
    requires org.slf4j;
    requires ch.qos.logback.classic;

    opens dev.axvm.axvisor to info.picocli;
}
