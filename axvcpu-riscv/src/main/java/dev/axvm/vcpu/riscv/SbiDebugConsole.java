package dev.axvm.vcpu.riscv;

/**
 * Where a guest's SBI debug console (DBCN) goes. The vCPU serves the guest's calls with it: it
 * checks the guest's buffer address and length against guest RAM, copies at most
 * {@link #MAX_CHUNK} bytes per call through a buffer it owns (no allocation per call or per
 * character), and hands the result back in a0/a1. Both methods run on the vCPU's thread and must
 * not block for long: DBCN calls are non-blocking and may move fewer bytes than asked.
 */
public interface SbiDebugConsole {
    /** Bytes one DBCN call moves at most; the guest calls again for the rest, as the SBI spec allows. */
    int MAX_CHUNK = 4096;

    /**
     * Takes {@code bytes[offset..offset+length)} (length 1 for write_byte).
     *
     * @return how many bytes were taken, 0..length
     */
    int write(byte[] bytes, int offset, int length);

    /**
     * Fills at most {@code length} bytes of {@code into} from {@code offset} with input that is
     * already there, without waiting.
     *
     * @return how many bytes were read, 0..length (0 when there is none)
     */
    int read(byte[] into, int offset, int length);
}
