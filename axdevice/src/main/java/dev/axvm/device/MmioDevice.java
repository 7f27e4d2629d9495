package dev.axvm.device;

import dev.axvm.addrspace.GuestPhysAddrRange;

/** A memory-mapped device: it owns a range of guest-physical addresses (AxVisor's {@code BaseMmioDeviceOps}). */
public non-sealed interface MmioDevice extends BaseDeviceOps<GuestPhysAddrRange> {}
