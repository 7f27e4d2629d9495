package dev.axvm.device;

/**
 * A device whose state a VM snapshot carries. {@link #saveState} is called with the VM paused;
 * {@link #restoreState} takes bytes that came from a file, so it treats them as hostile: every
 * field is checked against what the device itself could have been in, and a refused state changes
 * nothing.
 */
public interface StatefulDevice {
    /** The device's state in its own encoding, whose first byte is the encoding's version. */
    byte[] saveState();

    /**
     * Puts the device in the state {@link #saveState} gave (of this device kind and encoding version).
     *
     * @throws IllegalArgumentException naming the field (and the byte offset) when the state is not one
     *     this device could be in; the device is then unchanged
     */
    void restoreState(byte[] state);
}
