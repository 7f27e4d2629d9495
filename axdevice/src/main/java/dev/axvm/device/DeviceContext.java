package dev.axvm.device;

import dev.axvm.addrspace.GuestMemory;
import java.util.Objects;

/**
 * Who is accessing a device: the VM, the vCPU, and the VM's guest memory (through which a device
 * reads and writes guest RAM, e.g. for DMA). The VM makes one per vCPU when it creates the vCPU
 * and passes the same object with every access, so passing it costs nothing.
 *
 * @param vmId the VM's id, as in its config's {@code [base] id}
 * @param vcpuId the accessing vCPU's index inside the VM
 * @param memory the VM's guest memory (its {@code AddrSpace})
 */
public record DeviceContext(int vmId, int vcpuId, GuestMemory memory) {
    /** Checks the fields. */
    public DeviceContext {
        Objects.requireNonNull(memory, "memory");
        if (vcpuId < 0) {
            throw new IllegalArgumentException("vCPU id " + vcpuId + " is negative");
        }
    }
}
