package dev.axvm.device;

import dev.axvm.addrspace.SysRegAddrRange;

/**
 * A device behind trapped system registers (AArch64 system registers, RISC-V CSRs, x86 MSRs):
 * AxVisor's {@code BaseSysRegDeviceOps}. The {@code addr} its handlers receive is the register's
 * encoded address.
 */
public non-sealed interface SysRegDevice extends BaseDeviceOps<SysRegAddrRange> {}
