package dev.axvm.vm.fdt;

/**
 * One entry of a device tree's memory reservation block: RAM the guest must not use.
 *
 * @param address where the reserved range starts
 * @param size how many bytes it has
 */
public record FdtReservation(long address, long size) {}
