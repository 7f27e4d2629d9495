package dev.axvm.vm.internal;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;

/**
 * What the VM keeps per vCPU beside the vCPU itself: whether it has been started (the boot vCPU
 * at boot, the others by CpuUp), where a pending start goes, whether an interrupt arrived while it
 * waited, and its device handler. Mutable fields are guarded by the VM's state lock; the vCPU
 * reference is replaced when a reboot rebuilds the hardware.
 */
public final class VcpuSlot {
    /** The vCPU's index. */
    public final int id;
    /** Its architectural id: APIC id, MPIDR, hart id. */
    public final long archId;
    /** Its device handler (kept across reboots: devices and memory survive them). */
    public final VmDeviceHandler handler;

    /** The current vCPU; replaced by a reboot. */
    public volatile AxVCpu<AxArchVCpu> vcpu;
    /** Whether the guest has started it (and not stopped it since). */
    public boolean started;
    /** A start that its own thread must apply before running: entry and argument. */
    public boolean pendingStart;
    /** The entry of the pending start. */
    public GuestPhysAddr startEntry;
    /** The argument of the pending start. */
    public long startArg;
    /** An interrupt or kick arrived while the vCPU waited. */
    public boolean wakeup;
    /** Whether its thread is inside the architecture's run. */
    public volatile boolean inGuest;

    public VcpuSlot(int id, long archId, VmDeviceHandler handler, AxVCpu<AxArchVCpu> vcpu) {
        this.id = id;
        this.archId = archId;
        this.handler = handler;
        this.vcpu = vcpu;
    }
}
