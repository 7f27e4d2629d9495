/**
 * ACPI tables for x86_64 guests, generated from the VM (RSDP, XSDT, hardware-reduced FADT, MADT,
 * and a DSDT written in AML that describes COM1 and the virtio-mmio devices): {@link
 * dev.axvm.vm.acpi.AcpiTables}. Not yet placed in guest memory by the VM (the x86_64 Linux boot
 * that needs them is still to come); {@code axvisor acpi} writes them out.
 */
package dev.axvm.vm.acpi;
