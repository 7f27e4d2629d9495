/**
 * Emulated devices: the device contract, O(log n) dispatch, interrupt lines and UARTs.
 *
 * <p>{@code dev.axvm.device} holds the contract ({@link dev.axvm.device.BaseDeviceOps} and its
 * three kinds), the per-VM registry {@link dev.axvm.device.AxVmDevices}, interrupt lines and the
 * config factory; {@code dev.axvm.device.uart} the 16550A and PL011 with their host side;
 * {@code dev.axvm.device.platform} the small platform devices (dummy, power-off, debug exit);
 * {@code dev.axvm.device.irq} the RISC-V PLIC; {@code dev.axvm.device.pc} the legacy PC platform
 * (ACPI sleep registers, PCI configuration ports, i8042, CMOS RTC, port 0x80).
 */
module dev.axvm.device {
    requires org.slf4j;
    requires transitive dev.axvm.addrspace;
    requires transitive dev.axvm.config;

    exports dev.axvm.device;
    exports dev.axvm.device.uart;
    exports dev.axvm.device.platform;
    exports dev.axvm.device.pc;
    exports dev.axvm.device.irq;
    exports dev.axvm.device.virtio;
}
