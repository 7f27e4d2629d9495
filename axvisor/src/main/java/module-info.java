/**
 * AxVisor for Java: the reference host VMM and its command line. {@link dev.axvm.axvisor.host}
 * holds the Linux host HAL, for embedders to use or copy.
 */
module dev.axvm.axvisor {
    requires dev.axvm.vm;
    requires dev.axvm.kvm;
    requires info.picocli;
    requires org.slf4j;
    requires ch.qos.logback.classic;

    exports dev.axvm.axvisor.host;

    opens dev.axvm.axvisor to info.picocli;
}
