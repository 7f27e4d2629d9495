package dev.axvm.vm.internal;

import dev.axvm.addrspace.WrittenPages;
import dev.axvm.vm.GuestRamBlock;
import dev.axvm.vm.internal.snapshot.SnapshotRef;
import java.nio.file.Path;
import java.util.List;

/**
 * Which guest pages changed since the VM's last snapshot, for a diff snapshot layered on it: the
 * hypervisor's dirty log for the guest's own writes (KVM_MEM_LOG_DIRTY_PAGES), and
 * {@link WrittenPages} for the host's (device emulation writing guest RAM). Only for a VM built to
 * track them ({@code AxVMBuilder.trackDirtyPages}); tracking starts at its first snapshot (written
 * or restored from), and each snapshot then takes and clears both logs while the VM is paused. A failed snapshot or a
 * reboot (which replaces the hardware VM and its log) breaks the chain until the next full one.
 * Used by the snapshot writer only, one at a time (the lifecycle's snapshot lock).
 */
public final class DirtyTracking {
    private final WrittenPages hostWrites = new WrittenPages();
    private final boolean enabled;
    private boolean logging;
    private SnapshotRef base;
    private String noBase = "the VM has not been snapshotted or restored from a snapshot yet";

    /** Tracking for a VM that asked for it ({@code enabled}), or none at all. */
    public DirtyTracking(boolean enabled) {
        this.enabled = enabled;
        if (!enabled) {
            noBase = "the VM does not track dirty pages (AxVMBuilder.trackDirtyPages)";
        }
    }

    /**
     * The pages of each RAM block changed since the last call (bit {@code i % 64} of word
     * {@code i / 64} for page {@code i}), or {@code null} where tracking begins with this call.
     * Call it with the VM paused, before its memory is written.
     *
     * @throws UnsupportedOperationException where the hypervisor cannot log dirty pages; a full
     *     snapshot goes on without, and a diff is refused
     */
    synchronized long[][] take(VmAssembly<?> parts) {
        if (!enabled) {
            return null;
        }
        List<GuestRamBlock> ram = parts.ramBlocks();
        if (!logging) {
            for (int i = 0; i < ram.size(); i++) {
                if (parts.ramWritable(i)) {
                    parts.archVm().logDirtyPages(parts.ramGpa(i), true);
                }
                hostWrites.track(parts.ramGpa(i), ram.get(i).size());
            }
            parts.addrSpace().trackWrites(hostWrites);
            logging = true;
            return null;
        }
        long[][] pages = new long[ram.size()][];
        for (int i = 0; i < ram.size(); i++) {
            long gpa = parts.ramGpa(i);
            pages[i] = hostWrites.take(gpa);
            if (parts.ramWritable(i)) {
                long[] guest = parts.archVm().dirtyPages(gpa);
                for (int w = 0; w < Math.min(guest.length, pages[i].length); w++) {
                    pages[i][w] |= guest[w];
                }
            }
        }
        return pages;
    }

    /**
     * The VM was just restored from {@code ref} (still paused): tracking starts, and the next diff
     * layers on that file. Where the hypervisor cannot log, diffs are refused saying so.
     */
    public synchronized void startAt(VmAssembly<?> parts, SnapshotRef ref) {
        if (!enabled) {
            return;
        }
        try {
            take(parts);
        } catch (UnsupportedOperationException e) {
            invalidate("this hypervisor cannot log dirty pages (" + e.getMessage() + ")");
            return;
        }
        based(ref.file(), ref.fingerprint());
    }

    /** The snapshot a diff would layer on. */
    synchronized SnapshotRef base() {
        if (base == null) {
            throw new IllegalStateException("no diff snapshot: " + noBase + "; take a full snapshot first");
        }
        return base;
    }

    /** The VM was snapshotted to (or restored from) {@code file}: the next diff layers on it. */
    synchronized void based(Path file, byte[] fingerprint) {
        if (!enabled) {
            return;
        }
        base = new SnapshotRef(file.toAbsolutePath(), fingerprint.clone());
    }

    /** The chain is broken ({@code why}): the next diff is refused until a full snapshot. */
    synchronized void invalidate(String why) {
        if (enabled) {
            base = null;
            noBase = why;
        }
    }

    /**
     * The hardware VM was replaced (a reboot): its log is gone, and the guest's memory was
     * reloaded. Tracking starts again at the next snapshot.
     */
    public synchronized void hardwareReplaced() {
        logging = false;
        hostWrites.clear();
        invalidate("the VM rebooted since its last snapshot");
    }
}
