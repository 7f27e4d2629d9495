/**
 * Nested (second-stage) page tables in the hardware's exact formats: x86 EPT, AArch64 stage 2
 * with a 4 KiB granule (3 and 4 levels) and RISC-V Sv39x4/Sv48x4 G-stage. See
 * {@link dev.axvm.addrspace.npt.NestedPageTable}.
 */
package dev.axvm.addrspace.npt;
