package dev.axvm.device.internal;

import dev.axvm.device.uart.SerialSource;

/** The source with nothing to receive; any number of UARTs may attach to it. */
public final class NoSerialSource implements SerialSource {
    /** The one instance. */
    public static final NoSerialSource INSTANCE = new NoSerialSource();

    private NoSerialSource() {}

    @Override
    public int poll() {
        return -1;
    }

    @Override
    public void attach(Runnable dataAvailable) {
        // Nothing ever arrives, so the listener is never needed.
    }

    @Override
    public String toString() {
        return "no serial input";
    }
}
