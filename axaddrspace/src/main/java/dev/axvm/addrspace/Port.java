package dev.axvm.addrspace;

/**
 * An x86 I/O port.
 *
 * @param number 0 to 0xffff
 */
public record Port(int number) {
    /** Checks the range. */
    public Port {
        if (number < 0 || number > 0xffff) {
            throw new IllegalArgumentException("port 0x" + Integer.toHexString(number) + " is outside 0..0xffff");
        }
    }

    /** The port {@code number}. */
    public static Port of(int number) {
        return new Port(number);
    }

    @Override
    public String toString() {
        return "port 0x" + Integer.toHexString(number);
    }
}
