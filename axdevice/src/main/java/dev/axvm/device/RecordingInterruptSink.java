package dev.axvm.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link InterruptSink} that records every line change, for tests of devices and of the VM
 * (it lives in main code because this project ships no test jars). Thread-safe.
 */
public final class RecordingInterruptSink implements InterruptSink {
    private final List<LineChange> changes = new ArrayList<>();
    private final Map<Integer, Boolean> levels = new HashMap<>();

    /** An empty recording. */
    public RecordingInterruptSink() {}

    @Override
    public synchronized void setLine(int line, boolean level) {
        changes.add(new LineChange(line, level));
        levels.put(line, level);
    }

    /** Every change so far, oldest first (a snapshot). */
    public synchronized List<LineChange> changes() {
        return List.copyOf(changes);
    }

    /** The changes of {@code line} so far, oldest first. */
    public synchronized List<LineChange> changes(int line) {
        return changes.stream().filter(c -> c.line() == line).toList();
    }

    /** The current level of {@code line} (false when it never changed). */
    public synchronized boolean level(int line) {
        return levels.getOrDefault(line, false);
    }

    /** How many times {@code line} went from low to high. */
    public synchronized int risingEdges(int line) {
        int n = 0;
        boolean was = false;
        for (LineChange c : changes) {
            if (c.line() == line) {
                if (c.level() && !was) {
                    n++;
                }
                was = c.level();
            }
        }
        return n;
    }

    /** Forgets the changes (the current levels stay). */
    public synchronized void clear() {
        changes.clear();
    }

    @Override
    public synchronized String toString() {
        return "RecordingInterruptSink" + changes;
    }
}
