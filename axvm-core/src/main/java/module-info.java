/** The VM: built from a config, its memory, devices and vCPUs, lifecycle and exit handling. */
module dev.axvm.vm {
    requires org.slf4j;
    requires transitive dev.axvm.vcpu;
    requires transitive dev.axvm.device;
    requires transitive dev.axvm.config;

    exports dev.axvm.vm;
    exports dev.axvm.vm.testkit;
    exports dev.axvm.vm.fdt;
    exports dev.axvm.vm.acpi;
}
