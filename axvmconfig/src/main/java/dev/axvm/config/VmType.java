package dev.axvm.config;

/** The {@code [base] vm_type} of a VM, with AxVisor's numbers. */
public enum VmType {
    /** 0: a host VM that takes over the running host, as Jailhouse does ("type 1.5"). */
    HOST_VM(0),
    /** 1: an RTOS or other simple guest, most resources passed through. AxVisor's default. */
    RTOS(1),
    /** 2: a full-featured Linux guest with emulated devices. */
    LINUX(2);

    private final int code;

    VmType(int code) {
        this.code = code;
    }

    /** AxVisor's number for this type. */
    public int code() {
        return code;
    }

    /** The type with AxVisor number {@code code}, or {@code null} when there is none. */
    public static VmType ofCode(long code) {
        for (VmType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
