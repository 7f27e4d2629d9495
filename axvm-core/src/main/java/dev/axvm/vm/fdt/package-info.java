/**
 * Flattened device trees (devicetree specification v0.4, blob version 17): a tree of
 * {@link dev.axvm.vm.fdt.FdtNode}s written as a DTB by {@link dev.axvm.vm.fdt.Fdt#write} and read
 * back by {@link dev.axvm.vm.fdt.Fdt#read}. AxVM generates the tree of an aarch64 or riscv64 VM from
 * the VM itself; an embedder can read, change and write one of its own.
 */
package dev.axvm.vm.fdt;
