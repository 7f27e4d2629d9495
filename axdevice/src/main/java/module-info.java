/** Emulated devices: the device contract, O(log n) dispatch, interrupt lines and UARTs. */
module dev.axvm.device {
    requires org.slf4j;
    requires transitive dev.axvm.addrspace;
    requires transitive dev.axvm.config;

    // exports (once the first type lands) dev.axvm.device;
}
