package dev.axvm.vcpu.spi;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.DeviceAccessHandler;
import dev.axvm.vcpu.ExitReason;
import java.util.Objects;

/**
 * What every hardware backend's vCPU shares: the entry and nested-root values the VM sets before
 * {@code setup}, and the run loop — enter the guest, let the backend handle what it can (with the
 * caller's device handler, when given), and return the first exit the caller must see. A backend
 * supplies one guest entry ({@link #enterGuest}); the loop stays monomorphic per backend, so the
 * virtual call costs nothing on the exit path.
 */
public abstract class ExitLoopVCpu implements AxArchVCpu {
    private GuestPhysAddr entry;
    private HostPhysAddr nestedRoot = HostPhysAddr.of(0);

    /** @param defaultEntry where the vCPU starts when the VM sets no entry */
    protected ExitLoopVCpu(GuestPhysAddr defaultEntry) {
        this.entry = Objects.requireNonNull(defaultEntry, "defaultEntry");
    }

    @Override
    public final void setEntry(GuestPhysAddr entry) {
        this.entry = Objects.requireNonNull(entry, "entry");
    }

    /** Where the vCPU starts at its next {@code setup}. */
    public final GuestPhysAddr entry() {
        return entry;
    }

    @Override
    public final void setNestedRoot(HostPhysAddr root) {
        this.nestedRoot = Objects.requireNonNull(root, "root");
    }

    /** The nested-page-table root recorded by {@link #setNestedRoot} (under KVM the kernel builds its own tables). */
    public final HostPhysAddr nestedRoot() {
        return nestedRoot;
    }

    @Override
    public final ExitReason run(DeviceAccessHandler handler) {
        Objects.requireNonNull(handler, "handler");
        for (;;) {
            ExitReason r = enterGuest(handler);
            if (r != null) {
                return r;
            }
        }
    }

    @Override
    public ExitReason run() {
        for (;;) {
            ExitReason r = enterGuest(null);
            if (r != null) {
                return r;
            }
        }
    }

    /**
     * Enters the guest once. Returns the exit for the caller, or null when the exit was handled
     * here (then the loop enters again). With a {@code handler}, device accesses go to it;
     * without one, they come back as exits.
     */
    protected abstract ExitReason enterGuest(DeviceAccessHandler handler);
}
