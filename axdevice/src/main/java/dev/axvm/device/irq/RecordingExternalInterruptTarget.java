package dev.axvm.device.irq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link ExternalInterruptTarget} that records every change, for tests of the PLIC and of the VM
 * (it lives in main code because this project ships no test jars). Thread-safe.
 */
public final class RecordingExternalInterruptTarget implements ExternalInterruptTarget {
    private final List<ExternalInterruptChange> changes = new ArrayList<>();
    private final Map<Integer, Boolean> levels = new HashMap<>();

    /** An empty recording. */
    public RecordingExternalInterruptTarget() {}

    @Override
    public synchronized void setExternalInterrupt(int hart, PrivilegeMode mode, boolean asserted) {
        changes.add(new ExternalInterruptChange(hart, mode, asserted));
        levels.put(mode.context(hart), asserted);
    }

    /** Every change so far, oldest first (a snapshot). */
    public synchronized List<ExternalInterruptChange> changes() {
        return List.copyOf(changes);
    }

    /** The current level of {@code hart}'s {@code mode} input (false when it never changed). */
    public synchronized boolean level(int hart, PrivilegeMode mode) {
        return levels.getOrDefault(mode.context(hart), false);
    }

    /** Forgets the changes (the current levels stay). */
    public synchronized void clear() {
        changes.clear();
    }

    @Override
    public synchronized String toString() {
        return "RecordingExternalInterruptTarget" + changes;
    }
}
