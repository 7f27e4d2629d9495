/**
 * The legacy PC platform a stock x86 Linux kernel probes at boot, on I/O ports: the ACPI sleep
 * registers ({@link dev.axvm.device.pc.AcpiSleepRegisters}), the PCI configuration mechanism with
 * its reset control register ({@link dev.axvm.device.pc.PciConfigPorts}), the i8042 keyboard
 * controller ({@link dev.axvm.device.pc.I8042}), the CMOS real-time clock
 * ({@link dev.axvm.device.pc.CmosRtc}) and the POST code port ({@link dev.axvm.device.pc.PostCodePort}).
 * Each is small and serves only what Linux and firmware-free guests use; everything a guest writes
 * is taken as a value to check, never trusted.
 */
package dev.axvm.device.pc;
