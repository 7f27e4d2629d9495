package dev.axvm.kvm;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.axvm.kvm.internal.Errno;
import dev.axvm.kvm.internal.ExitRecord;
import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One KVM vCPU: its file descriptor, its shared run area and its exit record. One thread runs it
 * ({@link #run()}); any thread may {@link #kick()} it out of the guest or close it.
 */
public final class KvmVcpu implements AutoCloseable {
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long REKICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int id;
    private final int fd;
    private final Arena arena;
    private final MemorySegment runArea;
    private final MemorySegment record;
    private final KvmExit exit;
    private final AtomicInteger inRun = new AtomicInteger();
    private volatile boolean closed;
    private final AtomicInteger threadId = new AtomicInteger();

    KvmVcpu(int id, int fd, int mmapSize) {
        if (Shim.SHIM_EXIT_WORDS != ExitRecord.WORDS) {
            throw new IllegalStateException("the shim's exit record has " + Shim.SHIM_EXIT_WORDS
                    + " words, this Java code expects " + ExitRecord.WORDS);
        }
        this.id = id;
        this.fd = fd;
        this.arena = Arena.ofShared();
        try {
            MemorySegment out = arena.allocate(ADDRESS);
            Shim.check(Shim.mapRun(fd, mmapSize, out), "mmap(vCPU " + id + " run area)");
            long address = out.get(ADDRESS, 0).address();
            this.runArea = MemorySegment.ofAddress(address)
                    .reinterpret(mmapSize, arena, ignored -> Shim.unmapRun(address, mmapSize));
            this.record = arena.allocate(ExitRecord.BYTES, 8);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        this.exit = new KvmExit(record, runArea);
    }

    /** The vCPU id given to KVM_CREATE_VCPU. */
    public int id() {
        return id;
    }

    /**
     * The vCPU's file descriptor, for architecture bindings that issue their own vCPU ioctls
     * through the shim. The vCPU keeps ownership: never close it.
     */
    public int fd() {
        if (closed) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        return fd;
    }

    /** The shared run area (KVM's {@code struct kvm_run}); its layout is the shim's business. */
    public MemorySegment runArea() {
        return runArea;
    }

    /**
     * Native memory that lives exactly as long as this vCPU (freed by {@link #close()}): scratch
     * space for architecture bindings (register blocks), without an arena of their own to close.
     */
    public MemorySegment allocate(long bytes, long alignment) {
        if (closed) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        return arena.allocate(bytes, alignment);
    }

    /** The exit view that every {@link #run()} rewrites. */
    public KvmExit exit() {
        return exit;
    }

    /**
     * Makes the calling thread the one that runs this vCPU, so that {@link #kick()} can signal
     * it. Call it on the vCPU thread before the first {@link #run()}.
     */
    public void bindCurrentThread() {
        threadId.set(Shim.check(Shim.threadPrepare(), "bind vCPU " + id + " to thread"));
    }

    /** Forgets the bound thread; later kicks only set the immediate-exit flag. */
    public void unbindThread() {
        threadId.set(0);
    }

    /**
     * Enters the guest until the next exit, then returns the (reused) exit view. A pending read
     * result is handed to the guest first. A kick shows up as {@link KvmExitKind#INTR}.
     *
     * @throws KvmException when KVM_RUN itself fails
     * @throws IllegalStateException when the vCPU is closed
     */
    public KvmExit run() {
        inRun.incrementAndGet();
        try {
            if (closed) {
                throw new IllegalStateException("vCPU " + id + " is closed");
            }
            int rc = Shim.run(fd, runArea, record);
            if (rc < 0) {
                throw new KvmException("KVM_RUN(vCPU " + id + ")", -rc);
            }
            return exit;
        } finally {
            inRun.decrementAndGet();
        }
    }

    /**
     * Makes the thread in {@link #run()} return soon with {@link KvmExitKind#INTR}; when the vCPU
     * is not in the guest, its next run returns at once instead. Safe from any thread.
     */
    public void kick() {
        if (closed) {
            return;
        }
        int tid = threadId.get();
        int rc = Shim.kick(runArea, tid);
        if (rc == -Errno.ESRCH) {
            // The bound thread has ended without unbinding, so it is not in the guest: the flag
            // already set is the whole kick. Forget the thread so that no later kick signals
            // whichever thread reuses its id.
            threadId.compareAndSet(tid, 0);
        } else if (rc == -Errno.EAGAIN) {
            // The real-time signal queue is full: earlier kicks are still pending for the thread,
            // and the flag is set, so it leaves the guest as soon as it runs. Nothing is lost.
            return;
        } else if (rc < 0) {
            throw new KvmException("kick vCPU " + id, -rc);
        }
    }

    /**
     * Closes the vCPU: kicks a thread still in {@link #run()}, waits up to 5 s for it to leave,
     * then unmaps the run area and closes the file descriptor.
     *
     * @throws IllegalStateException when the running thread does not leave the guest in time
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long now = System.nanoTime();
        long deadline = now + CLOSE_WAIT_NANOS;
        long nextKick = now;
        while (inRun.get() > 0) {
            // Each kick queues a real-time signal: re-kick now and then, not on every turn, or a
            // thread that is slow to run (a loaded or emulated host) finds the queue full.
            now = System.nanoTime();
            if (now - nextKick >= 0) {
                Shim.kick(runArea, threadId.get());
                nextKick = now + REKICK_NANOS;
            }
            if (now > deadline) {
                throw new IllegalStateException("vCPU " + id + " is still running after a kick; close it after its thread stops");
            }
            LockSupport.parkNanos(100_000);
        }
        arena.close();
        Shim.close(fd);
    }
}
