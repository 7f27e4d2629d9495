package dev.axvm.vcpu;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.MappingFlags;

/**
 * Serves a vCPU's device accesses inside {@link AxArchVCpu#run(DeviceAccessHandler)}, so that the
 * exit loop turns an MMIO, port or system-register access into one call with primitive arguments
 * and resumes the guest — no {@link ExitReason} object, no allocation. The VM implements it over
 * its devices; a miss policy (all-ones reads, stopping the VM) is the implementation's choice.
 *
 * <p>Methods must not throw for anything a guest can cause; the values and addresses are the
 * guest's and must be treated as hostile.
 */
public interface DeviceAccessHandler {
    /** A load from guest-physical {@code addr}; returns the value (low {@code width} bytes used). */
    long mmioRead(long addr, AccessWidth width);

    /** A store of {@code value} to guest-physical {@code addr}. */
    void mmioWrite(long addr, AccessWidth width, long value);

    /** An input from {@code port}. */
    long ioRead(int port, AccessWidth width);

    /** An output of {@code value} to {@code port}. */
    void ioWrite(int port, AccessWidth width, long value);

    /** A read of the trapped system register {@code addr}. */
    long sysRegRead(long addr);

    /** A write of the trapped system register {@code addr}. */
    void sysRegWrite(long addr, long value);

    /**
     * A nested page fault at guest-physical {@code addr}; returns true when it was resolved (the
     * guest retries the access) and false to hand it to the caller as {@link ExitReason.NestedPageFault}.
     */
    boolean nestedPageFault(long addr, MappingFlags access);
}
