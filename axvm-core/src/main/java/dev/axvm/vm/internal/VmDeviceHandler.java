package dev.axvm.vm.internal;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.AddrSpace;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceContext;
import dev.axvm.vcpu.DeviceAccessHandler;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vCPU's device handler: dispatches each access to the VM's devices through a reused
 * {@link AccessOutcome} (nothing allocates on a served access), resolves nested page faults in
 * the address space, and applies the VM's policy to accesses no device serves: all-ones reads and
 * dropped writes, logged (the first few in full, then counted), or a stop request.
 */
public final class VmDeviceHandler implements DeviceAccessHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VmDeviceHandler.class);
    private static final int LOGGED_IN_FULL = 16;

    private final AxVmDevices devices;
    private final AddrSpace<?> addrSpace;
    private final AccessOutcome outcome;
    private final boolean stopOnUnhandled;
    private final Consumer<String> stop;
    private final int vmId;
    private final int vcpuId;
    // Written by this vCPU's thread only; read by any (AxVM.unhandledAccesses): volatile, so that
    // readers see it move. Only an unserved access writes it, never the served fast path.
    private volatile long unhandled;

    /**
     * @param stopOnUnhandled whether an access no device serves stops the VM
     * @param stop asks the VM to stop, with a one-line reason; called on this vCPU's thread
     */
    public VmDeviceHandler(AxVmDevices devices, AddrSpace<?> addrSpace, DeviceContext context, boolean stopOnUnhandled,
            Consumer<String> stop) {
        this.devices = devices;
        this.addrSpace = addrSpace;
        this.outcome = new AccessOutcome(context);
        this.stopOnUnhandled = stopOnUnhandled;
        this.stop = stop;
        this.vmId = context.vmId();
        this.vcpuId = context.vcpuId();
    }

    /** Accesses that no device served so far. */
    public long unhandledAccesses() {
        return unhandled;
    }

    @Override
    public long mmioRead(long addr, AccessWidth width) {
        return read(devices.mmioRead(addr, width, outcome), width);
    }

    @Override
    public void mmioWrite(long addr, AccessWidth width, long value) {
        written(devices.mmioWrite(addr, width, value, outcome));
    }

    @Override
    public long ioRead(int port, AccessWidth width) {
        return read(devices.portRead(port, width, outcome), width);
    }

    @Override
    public void ioWrite(int port, AccessWidth width, long value) {
        written(devices.portWrite(port, width, value, outcome));
    }

    @Override
    public long sysRegRead(long addr) {
        return read(devices.sysRegRead(addr, AccessWidth.QWORD, outcome), AccessWidth.QWORD);
    }

    @Override
    public void sysRegWrite(long addr, long value) {
        written(devices.sysRegWrite(addr, AccessWidth.QWORD, value, outcome));
    }

    @Override
    public boolean nestedPageFault(long addr, MappingFlags access) {
        return addrSpace.handlePageFault(addr, access);
    }

    private long read(AccessStatus status, AccessWidth width) {
        if (status == AccessStatus.COMPLETED) {
            return outcome.value();
        }
        unserved(status);
        return width.mask();
    }

    private void written(AccessStatus status) {
        if (status != AccessStatus.COMPLETED) {
            unserved(status);
        }
    }

    // Only a guest that touches what no device serves gets here; allocation is fine now.
    private void unserved(AccessStatus status) {
        long count = unhandled + 1; // single writer: a plain read-modify-write of the volatile is exact
        unhandled = count;
        String what = outcome.describe();
        if (stopOnUnhandled) {
            LOG.warn("VM {} vCPU {}: {}; stopping the VM (unhandled_access = \"stop\")", vmId, vcpuId, what);
            stop.accept(what);
        } else if (count <= LOGGED_IN_FULL) {
            LOG.warn("VM {} vCPU {}: {}; {} (unhandled_access = \"ignore\")", vmId, vcpuId, what,
                    status == AccessStatus.UNMAPPED ? "reads as all-ones, writes dropped" : "ignored");
        } else if (Long.bitCount(count) == 1) {
            LOG.warn("VM {} vCPU {}: {} accesses no device served so far (latest: {})", vmId, vcpuId, count, what);
        }
    }
}
