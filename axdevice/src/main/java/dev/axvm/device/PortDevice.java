package dev.axvm.device;

import dev.axvm.addrspace.PortRange;

/**
 * An x86 port-I/O device: it owns a range of I/O ports (AxVisor's {@code BasePortDeviceOps}). The
 * {@code addr} its handlers receive is the port number.
 */
public non-sealed interface PortDevice extends BaseDeviceOps<PortRange> {}
