package dev.axvm.kvm;

import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A host terminal put in raw mode for a guest's console: keys reach the guest one by one, unechoed,
 * Ctrl-C included (no signals from keys). {@link #close()} puts back the settings it found; it is
 * idempotent and safe from any thread, so a VMM may call it from both its normal exit path and a
 * shutdown hook. (Nothing can restore a terminal after {@code SIGKILL}: {@code stty sane} does.)
 */
public final class HostTerminal implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment saved;
    private boolean restored;

    private HostTerminal(int fd) {
        this.fd = fd;
        long size = Shim.termStateSize();
        this.saved = arena.allocate(size, 8);
    }

    /** Whether {@code fd} (0 for stdin, 1 for stdout) is a terminal. */
    public static boolean isTerminal(int fd) {
        return Shim.termIsTerminal(fd) == 1;
    }

    /**
     * Puts terminal {@code fd} in raw mode; output processing (newline to CR LF) stays as it was.
     *
     * @throws KvmException when {@code fd} is not a terminal or its settings cannot be changed
     */
    public static HostTerminal raw(int fd) {
        HostTerminal t = new HostTerminal(fd);
        try {
            t.enterRaw();
            return t;
        } catch (RuntimeException e) {
            t.arena.close();
            throw e;
        }
    }

    private void enterRaw() {
        check("tcgetattr", Shim.termSave(fd, saved));
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment raw = scratch.allocate(saved.byteSize(), 8).copyFrom(saved);
            check("cfmakeraw", Shim.termMakeRaw(raw, true));
            check("tcsetattr", Shim.termRestore(fd, raw));
        }
    }

    /** Puts back the settings found when raw mode began; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (restored) {
            return;
        }
        restored = true;
        try {
            check("tcsetattr", Shim.termRestore(fd, saved));
        } finally {
            arena.close();
        }
    }

    private static void check(String operation, int rc) {
        if (rc < 0) {
            throw new KvmException(operation, -rc);
        }
    }
}
