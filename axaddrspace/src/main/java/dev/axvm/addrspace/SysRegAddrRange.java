package dev.axvm.addrspace;

/**
 * An inclusive range of system-register addresses, as AxVisor's {@code SysRegAddrRange}.
 *
 * @param start the first register address
 * @param last the last register address, not below {@code start}
 */
public record SysRegAddrRange(long start, long last) implements DeviceAddrRange {
    /** Checks the order. */
    public SysRegAddrRange {
        if (Long.compareUnsigned(last, start) < 0) {
            throw new IllegalArgumentException("system-register range 0x" + Long.toHexString(start) + "..0x"
                    + Long.toHexString(last) + " ends before it starts");
        }
    }

    /** The registers {@code start..last}. */
    public static SysRegAddrRange of(SysRegAddr start, SysRegAddr last) {
        return new SysRegAddrRange(start.value(), last.value());
    }

    @Override
    public String toString() {
        return "sysregs [0x" + Long.toHexString(start) + "..0x" + Long.toHexString(last) + "]";
    }
}
