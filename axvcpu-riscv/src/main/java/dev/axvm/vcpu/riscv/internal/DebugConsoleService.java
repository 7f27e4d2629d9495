package dev.axvm.vcpu.riscv.internal;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestMemoryException;
import dev.axvm.vcpu.DeviceAccessHandler;
import dev.axvm.vcpu.riscv.RiscvPlatform;
import dev.axvm.vcpu.riscv.SbiDebugConsole;

/**
 * Serves SBI DBCN calls for one vCPU (one thread): write, read and write_byte, with the guest's
 * buffer address and length checked against guest RAM before a byte moves. The result is left in
 * {@link #error()} and {@link #value()} (a0 and a1 for the guest). Steady state allocates nothing.
 *
 * <p>Bytes go to the {@link SbiDebugConsole} when one is set; otherwise to the platform's 16550
 * through the VM's device handler, as an SBI firmware prints on the platform UART (transmit
 * holding register writes; reads poll LSR.DR and take RBR). Without either the calls fail with
 * SBI_ERR_FAILED.
 */
public final class DebugConsoleService {
    private static final long LSR = 5;
    private static final long LSR_DATA_READY = 1;

    private final byte[] chunk = new byte[SbiDebugConsole.MAX_CHUNK];
    private final byte[] one = new byte[1];
    private final long uartBase;
    private volatile SbiDebugConsole console;
    private long error;
    private long value;

    /** A service whose fallback is the 16550 at {@code uartBase}. */
    public DebugConsoleService(long uartBase) {
        this.uartBase = uartBase;
    }

    /** Routes DBCN to {@code console} (null: back to the platform UART). */
    public void setConsole(SbiDebugConsole console) {
        this.console = console;
    }

    /** The console set with {@link #setConsole}, or null. */
    public SbiDebugConsole console() {
        return console;
    }

    /** a0 of the last call served. */
    public long error() {
        return error;
    }

    /** a1 of the last call served. */
    public long value() {
        return value;
    }

    /**
     * Serves DBCN function {@code fid} with the guest's a0..a2.
     *
     * @param memory the guest's RAM (null before setup: buffer calls then fail)
     * @param handler the VM's devices for the UART fallback, or null
     */
    public void serve(long fid, long a0, long a1, long a2, GuestMemory memory, DeviceAccessHandler handler) {
        if (fid == RiscvPlatform.DBCN_WRITE_BYTE) {
            one[0] = (byte) a0;
            result(emit(one, 1, handler) == 1 ? RiscvPlatform.SBI_SUCCESS : RiscvPlatform.SBI_ERR_FAILED, 0);
        } else if (fid == RiscvPlatform.DBCN_WRITE || fid == RiscvPlatform.DBCN_READ) {
            buffer(fid == RiscvPlatform.DBCN_WRITE, a0, a1, a2, memory, handler);
        } else {
            result(RiscvPlatform.SBI_ERR_NOT_SUPPORTED, 0);
        }
    }

    private void buffer(boolean write, long length, long addressLow, long addressHigh, GuestMemory memory,
            DeviceAccessHandler handler) {
        if (length == 0) {
            result(RiscvPlatform.SBI_SUCCESS, 0);
            return;
        }
        // a2 holds address bits above XLEN: on RV64 any of them set is an address no RAM can have.
        if (addressHigh != 0 || memory == null || length < 0 || !memory.isRam(addressLow, length)) {
            result(RiscvPlatform.SBI_ERR_INVALID_PARAM, 0);
            return;
        }
        if (console == null && handler == null) {
            result(RiscvPlatform.SBI_ERR_FAILED, 0);
            return;
        }
        int n = (int) Math.min(length, chunk.length);
        try {
            if (write) {
                memory.read(addressLow, chunk, 0, n);
                result(RiscvPlatform.SBI_SUCCESS, emit(chunk, n, handler));
            } else {
                int got = take(chunk, n, handler);
                memory.write(addressLow, chunk, 0, got);
                result(RiscvPlatform.SBI_SUCCESS, got);
            }
        } catch (GuestMemoryException e) {
            // RAM can disappear between the check and the copy (unmapped by another thread).
            result(RiscvPlatform.SBI_ERR_INVALID_PARAM, 0);
        }
    }

    private int emit(byte[] bytes, int n, DeviceAccessHandler handler) {
        SbiDebugConsole c = console;
        if (c != null) {
            return checked(c.write(bytes, 0, n), n, "write");
        }
        if (handler == null) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            handler.mmioWrite(uartBase, AccessWidth.BYTE, bytes[i] & 0xff);
        }
        return n;
    }

    private int take(byte[] into, int n, DeviceAccessHandler handler) {
        SbiDebugConsole c = console;
        if (c != null) {
            return checked(c.read(into, 0, n), n, "read");
        }
        int got = 0;
        while (got < n && (handler.mmioRead(uartBase + LSR, AccessWidth.BYTE) & LSR_DATA_READY) != 0) {
            into[got++] = (byte) handler.mmioRead(uartBase, AccessWidth.BYTE);
        }
        return got;
    }

    private static int checked(int count, int asked, String what) {
        if (count < 0 || count > asked) {
            throw new IllegalStateException("SbiDebugConsole." + what + " returned " + count + " for " + asked + " bytes");
        }
        return count;
    }

    private void result(long error, long value) {
        this.error = error;
        this.value = value;
    }
}
