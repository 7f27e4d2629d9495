package dev.axvm.kvm.internal;

/** errno values as people read them: {@code EACCES (Permission denied)}. */
public final class Errno {
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process (or thread). */
    public static final int ESRCH = 3;
    /** Interrupted system call (a signal arrived first). */
    public static final int EINTR = 4;
    /** Try again (a full real-time signal queue, for one). */
    public static final int EAGAIN = 11;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;

    private Errno() {}

    /** The symbolic name and the C library's description of {@code err}. */
    public static String describe(int err) {
        return Shim.errnoName(err) + " (" + Shim.errnoText(err) + ")";
    }
}
