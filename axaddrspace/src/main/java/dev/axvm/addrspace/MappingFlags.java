package dev.axvm.addrspace;

import java.util.StringJoiner;

/**
 * Permissions and attributes of a guest mapping, with AxVisor's bit values (the same bits appear
 * as the {@code flags} of a config's memory region: {@code 0x7} is READ|WRITE|EXECUTE).
 *
 * @param bits a combination of {@link #READ}, {@link #WRITE}, {@link #EXECUTE}, {@link #USER},
 *     {@link #DEVICE} and {@link #UNCACHED} bit values
 */
public record MappingFlags(int bits) {
    /** Readable. */
    public static final int READ_BIT = 1;
    /** Writable. */
    public static final int WRITE_BIT = 1 << 1;
    /** Executable. */
    public static final int EXECUTE_BIT = 1 << 2;
    /** Accessible from the guest's user mode (stage-1 notion; kept for AxVisor parity). */
    public static final int USER_BIT = 1 << 3;
    /** Device memory (strongly ordered, uncacheable). */
    public static final int DEVICE_BIT = 1 << 4;
    /** Normal memory, uncached. */
    public static final int UNCACHED_BIT = 1 << 5;
    private static final int ALL = (1 << 6) - 1;

    /** No access. */
    public static final MappingFlags NONE = new MappingFlags(0);
    /** Read. */
    public static final MappingFlags READ = new MappingFlags(READ_BIT);
    /** Write. */
    public static final MappingFlags WRITE = new MappingFlags(WRITE_BIT);
    /** Execute. */
    public static final MappingFlags EXECUTE = new MappingFlags(EXECUTE_BIT);
    /** User. */
    public static final MappingFlags USER = new MappingFlags(USER_BIT);
    /** Device. */
    public static final MappingFlags DEVICE = new MappingFlags(DEVICE_BIT);
    /** Uncached. */
    public static final MappingFlags UNCACHED = new MappingFlags(UNCACHED_BIT);
    /** Read and write. */
    public static final MappingFlags RW = new MappingFlags(READ_BIT | WRITE_BIT);
    /** Read, write and execute: ordinary guest RAM. */
    public static final MappingFlags RWX = new MappingFlags(READ_BIT | WRITE_BIT | EXECUTE_BIT);

    /** Checks that only AxVisor's six bits are set. */
    public MappingFlags {
        if ((bits & ~ALL) != 0) {
            throw new IllegalArgumentException("mapping flags 0x" + Integer.toHexString(bits)
                    + " has bits outside READ|WRITE|EXECUTE|USER|DEVICE|UNCACHED (0x3f)");
        }
    }

    /** The flags with bit values {@code bits}. */
    public static MappingFlags of(int bits) {
        return new MappingFlags(bits);
    }

    /** Whether every bit of {@code other} is set here. */
    public boolean contains(MappingFlags other) {
        return (bits & other.bits) == other.bits;
    }

    /** Whether bit value {@code bit} is set. */
    public boolean has(int bit) {
        return (bits & bit) == bit;
    }

    /** These flags plus {@code other}'s. */
    public MappingFlags union(MappingFlags other) {
        return new MappingFlags(bits | other.bits);
    }

    /** These flags without {@code other}'s. */
    public MappingFlags minus(MappingFlags other) {
        return new MappingFlags(bits & ~other.bits);
    }

    @Override
    public String toString() {
        if (bits == 0) {
            return "NONE";
        }
        StringJoiner j = new StringJoiner("|");
        String[] names = {"READ", "WRITE", "EXECUTE", "USER", "DEVICE", "UNCACHED"};
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) != 0) {
                j.add(names[i]);
            }
        }
        return j.toString();
    }
}
