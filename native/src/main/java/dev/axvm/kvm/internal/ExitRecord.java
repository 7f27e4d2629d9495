package dev.axvm.kvm.internal;

/** Byte offsets of the words of the shim's flat exit record ({@code enum axvm_exit_word} in axvm.h). */
public final class ExitRecord {
    /** Words in the record. */
    public static final int WORDS = 19;
    /** Bytes in the record. */
    public static final long BYTES = WORDS * 8L;

    public static final long KIND = 0;
    public static final long REASON = 8;
    public static final long ADDR = 16;
    public static final long SIZE = 24;
    public static final long COUNT = 32;
    public static final long WRITE = 40;
    public static final long DATA = 48;
    public static final long DATA_OFFSET = 56;
    public static final long FLAGS = 64;
    public static final long PENDING = 72;
    public static final long DATA2 = 80;
    public static final long ARG0 = 88;
    /** Exit-specific argument words. */
    public static final int ARGS = 8;

    /** Bit of FLAGS: an interrupt can be injected now (x86). */
    public static final long FLAG_READY_FOR_INJECTION = 1;
    /** Bit of FLAGS: the guest's RFLAGS.IF (x86). */
    public static final long FLAG_IF = 2;

    private ExitRecord() {}
}
