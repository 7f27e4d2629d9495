package dev.axvm.vm.internal;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;

/**
 * One vCPU's place in the VM: the vCPU itself (replaced by a reboot), its device handler, and its
 * run state — the vCPU's own state machine, guarded by the VM's lifecycle lock:
 * <pre>
 *   OFF --CpuUp--> STARTING --its thread applies the entry--> ON --CpuDown--> OFF
 *   boot and reboot: vCPU 0 ON, the others OFF (ON where the hypervisor starts them itself)
 * </pre>
 * and whether a host thread holds it: from the moment its runner enters the guest until that
 * runner comes back into {@code runVcpu} (so: in the guest, or handling the exit it returned).
 * A reboot or pause waits until no other thread holds a vCPU.
 */
public final class VcpuSlot {
    /** The vCPU's power state. */
    public enum Power {
        /** Not started, or turned off by the guest: its thread waits. */
        OFF,
        /** Started by the guest; its thread applies {@link #startEntry}/{@link #startArg} before it runs. */
        STARTING,
        /** Running guest code (when the VM runs). */
        ON
    }

    /** The vCPU's index. */
    public final int id;
    /** Its architectural id: APIC id, MPIDR, hart id. */
    public final long archId;
    /** Its device handler (kept across reboots: devices and memory survive them). */
    public final VmDeviceHandler handler;

    /** The current vCPU; replaced by a reboot. */
    public volatile AxVCpu<AxArchVCpu> vcpu;
    /** Its power state. */
    public Power power = Power.OFF;
    /** The entry of a pending start. */
    public GuestPhysAddr startEntry;
    /** The argument of a pending start. */
    public long startArg;
    /** An interrupt or kick arrived while the vCPU waited after a Halt. */
    public boolean wakeup;
    /** The thread that holds the vCPU (in the guest or handling its exit), or null. */
    public volatile Thread holder;
    /** The boot (reboot count) the vCPU's last exit came from: a request from an earlier boot is stale. */
    public int exitGeneration;

    public VcpuSlot(int id, long archId, VmDeviceHandler handler, AxVCpu<AxArchVCpu> vcpu) {
        this.id = id;
        this.archId = archId;
        this.handler = handler;
        this.vcpu = vcpu;
    }
}
