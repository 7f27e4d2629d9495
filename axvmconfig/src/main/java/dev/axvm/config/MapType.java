package dev.axvm.config;

/** How a memory region's guest-physical range is backed: the {@code map_type} of a region, with AxVisor's numbers. */
public enum MapType {
    /** 0: the VMM allocates ordinary memory for the region. */
    MAP_ALLOC(0, "MapAlloc"),
    /** 1: the region is the host's physical memory at the same address (a bare-metal hypervisor's identity map). */
    MAP_IDENTICAL(1, "MapIdentical"),
    /** 2: the region is host memory reserved for the guest at the same address. */
    MAP_RESERVED(2, "MapReserved");

    private final int code;
    private final String axvisorName;

    MapType(int code, String axvisorName) {
        this.code = code;
        this.axvisorName = axvisorName;
    }

    /** AxVisor's number for this type. */
    public int code() {
        return code;
    }

    /** AxVisor's name for this type ({@code MapAlloc}, {@code MapIdentical}, {@code MapReserved}). */
    public String axvisorName() {
        return axvisorName;
    }

    /** The type with AxVisor number {@code code}, or {@code null} when there is none. */
    public static MapType ofCode(long code) {
        for (MapType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
