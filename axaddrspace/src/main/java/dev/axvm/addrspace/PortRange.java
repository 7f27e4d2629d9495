package dev.axvm.addrspace;

/**
 * A non-empty range of I/O ports {@code [start, start + size)} inside 0..0xffff.
 *
 * @param startPort the first port
 * @param size ports, at least 1
 */
public record PortRange(int startPort, int size) implements DeviceAddrRange {
    /** Checks the bounds. */
    public PortRange {
        if (startPort < 0 || size <= 0 || startPort + (long) size > 0x10000) {
            throw new IllegalArgumentException("port range 0x" + Integer.toHexString(startPort) + " + " + size
                    + " is empty or leaves 0..0xffff");
        }
    }

    /** The ports {@code [start, start + size)}. */
    public static PortRange of(Port start, int size) {
        return new PortRange(start.number(), size);
    }

    @Override
    public long start() {
        return startPort;
    }

    @Override
    public long last() {
        return startPort + size - 1L;
    }

    @Override
    public String toString() {
        return "ports [0x" + Integer.toHexString(startPort) + ", 0x" + Integer.toHexString(startPort + size) + ")";
    }
}
