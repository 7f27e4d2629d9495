package dev.axvm.vcpu.x86.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.kvm.KvmException;
import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The model-specific registers a snapshot carries: every MSR KVM lists
 * ({@code KVM_GET_MSR_INDEX_LIST}) that the vCPU lets it read.
 */
public final class X86Msrs {
    /** More MSRs than any KVM lists (6.x lists about 150); a saved state with more is refused. */
    public static final int MAX = 4096;
    private static final int TSC_DEADLINE = 0x6e0;
    // What KVM lists is a property of the kernel: read once per process.
    private static volatile int[] listCache;

    /** Indices and values, index i with value i. */
    public record Values(int[] indices, long[] values) {}

    private X86Msrs() {}

    /**
     * KVM's MSR list, with the TSC deadline last: KVM measures a deadline against the guest's TSC,
     * which must be restored first.
     */
    public static int[] list(int kvmFd) {
        int[] cached = listCache;
        if (cached == null) {
            cached = readList(kvmFd);
            listCache = cached;
        }
        return cached.clone();
    }

    private static int[] readList(int kvmFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate((long) MAX * 4, 4);
            int n = Shim.check(X86Shim.msrIndexList(kvmFd, buf, MAX), "KVM_GET_MSR_INDEX_LIST");
            int[] all = buf.asSlice(0, n * 4L).toArray(JAVA_INT);
            int[] out = Arrays.stream(all).filter(i -> i != TSC_DEADLINE).toArray();
            if (out.length < all.length) {
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = TSC_DEADLINE;
            }
            return out;
        }
    }

    /**
     * Reads every MSR of {@code indices} the vCPU accepts. KVM stops at the first one it refuses
     * (one whose feature the guest's CPUID lacks, a Hyper-V MSR without Hyper-V): that one is left
     * out and the reading goes on after it.
     */
    public static Values read(int vcpuFd, int[] indices) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment idx = a.allocate(Math.max(1, indices.length) * 4L, 4);
            MemorySegment val = a.allocate(Math.max(1, indices.length) * 8L, 8);
            int[] keptIdx = new int[indices.length];
            long[] keptVal = new long[indices.length];
            int kept = 0;
            int from = 0;
            while (from < indices.length) {
                int n = indices.length - from;
                MemorySegment.copy(indices, from, idx, JAVA_INT, 0, n);
                int got = Shim.check(X86Shim.getMsrs(vcpuFd, idx, val, n), "KVM_GET_MSRS");
                for (int i = 0; i < got; i++) {
                    keptIdx[kept] = indices[from + i];
                    keptVal[kept++] = val.getAtIndex(JAVA_LONG, i);
                }
                from += got + 1; // the one after the last read is the one KVM refused
            }
            return new Values(Arrays.copyOf(keptIdx, kept), Arrays.copyOf(keptVal, kept));
        }
    }

    /**
     * Writes {@code msrs} in order. An MSR KVM refuses to set is accepted when it already holds the
     * saved value (as KVM's PV EOI MSR at 0 in a VM without an in-kernel LAPIC, which KVM reads but
     * will not write); the writing goes on after it.
     *
     * @throws IllegalArgumentException naming the first MSR KVM refuses that holds another value
     */
    public static void write(int vcpuFd, Values msrs, String what) {
        int n = msrs.indices().length;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment idx = a.allocate(Math.max(1, n) * 4L, 4);
            MemorySegment val = a.allocate(Math.max(1, n) * 8L, 8);
            int from = 0;
            while (from < n) {
                int left = n - from;
                MemorySegment.copy(msrs.indices(), from, idx, JAVA_INT, 0, left);
                MemorySegment.copy(msrs.values(), from, val, JAVA_LONG, 0, left);
                int rc = X86Shim.setMsrs(vcpuFd, idx, val, left);
                if (rc < 0) {
                    throw new IllegalArgumentException(what + ": " + new KvmException("KVM_SET_MSRS", -rc).getMessage());
                }
                if (rc == left) {
                    return;
                }
                int refused = from + rc;
                idx.setAtIndex(JAVA_INT, 0, msrs.indices()[refused]);
                if (X86Shim.getMsrs(vcpuFd, idx, val, 1) != 1 || val.getAtIndex(JAVA_LONG, 0) != msrs.values()[refused]) {
                    throw new IllegalArgumentException(String.format("%s: KVM refused MSR 0x%x = 0x%x (entry %d of %d)", what,
                            msrs.indices()[refused], msrs.values()[refused], refused, n));
                }
                from = refused + 1;
            }
        }
    }
}
