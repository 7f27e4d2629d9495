package dev.axvm.device;

import java.util.ArrayList;
import java.util.List;

/** A VmControl that records the requests, for tests. */
public final class RecordingVmControl implements VmControl {
    private final List<String> requests = new ArrayList<>();

    @Override
    public synchronized void powerOff() {
        requests.add("powerOff");
    }

    @Override
    public synchronized void exit(int code) {
        requests.add("exit " + code);
    }

    @Override
    public synchronized void reset() {
        requests.add("reset");
    }

    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    public synchronized void clear() {
        requests.clear();
    }
}
