package dev.axvm.kvm;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.axvm.kvm.internal.Errno;
import dev.axvm.kvm.internal.ExitRecord;
import dev.axvm.kvm.internal.OwnedHandle;
import dev.axvm.kvm.internal.Shim;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KVM vCPU: its file descriptor, its shared run area and its exit record. One thread runs it
 * ({@link #run()}); any thread may {@link #kick()} it out of the guest or close it. The fd and the
 * run area have one owner: a kick or a run racing {@link #close()} never
 * touches them after they are released, and a close whose vCPU thread will not leave KVM_RUN
 * hands the release to that thread instead of waiting for ever or leaking.
 */
public final class KvmVcpu implements AutoCloseable {
    /** More registers than any KVM lists for a vCPU (KVM_GET_REG_LIST): the most {@link #registerIds} reads. */
    public static final int MAX_REGISTERS = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(KvmVcpu.class);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long REKICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int id;
    private final int fd;
    private final Arena arena;
    private final MemorySegment runArea;
    private final MemorySegment record;
    private final KvmExit exit;
    private final OwnedHandle handle;
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
        this.handle = new OwnedHandle(this::releaseNative);
    }

    /** The vCPU id given to KVM_CREATE_VCPU. */
    public int id() {
        return id;
    }

    /**
     * The vCPU's file descriptor, for architecture bindings that issue their own vCPU ioctls
     * through the shim. The vCPU keeps ownership: never close it. Use it on the thread that runs
     * the vCPU (which a close waits for), or from another thread between {@link #beginUse()} and
     * {@link #endUse()}.
     */
    public int fd() {
        if (handle.isClosing()) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        return fd;
    }

    /**
     * Starts a use of {@link #fd()} from a thread other than the vCPU's own (an interrupt line
     * raised by a device thread): while it lasts, a close does not release the fd.
     *
     * @return the fd, or -1 when the vCPU is closing or closed (then do not touch it, and do not
     *     call {@link #endUse()})
     */
    public int beginUse() {
        return handle.enter() ? fd : -1;
    }

    /** Ends a use that {@link #beginUse()} began. */
    public void endUse() {
        handle.exit();
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
        if (!handle.enter()) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        try {
            return arena.allocate(bytes, alignment);
        } finally {
            handle.exit();
        }
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
        if (!handle.enter()) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        try {
            int rc = Shim.run(fd, runArea, record);
            if (rc < 0) {
                throw new KvmException("KVM_RUN(vCPU " + id + ")", -rc);
            }
            return exit;
        } finally {
            handle.exit();
        }
    }

    /**
     * Lets KVM finish the instruction of the last exit without entering the guest (KVM_RUN with
     * {@code immediate_exit} set), as KVM requires before a vCPU's state is read: until the next
     * KVM_RUN, an I/O or MMIO instruction is half done, and that half is in no state KVM reports.
     * Call it only while no thread runs this vCPU.
     *
     * @throws KvmException when KVM_RUN fails or enters the guest anyway
     * @throws IllegalStateException when the vCPU is closed
     */
    public void completePendingExit() {
        if (!handle.enter()) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
        try {
            Shim.check(Shim.kick(runArea, 0), "set immediate_exit(vCPU " + id + ")");
            int rc = Shim.run(fd, runArea, record);
            if (rc < 0) {
                throw new KvmException("KVM_RUN with immediate_exit(vCPU " + id + ")", -rc);
            }
            if (exit.kind() != KvmExitKind.INTR) {
                throw new KvmException("KVM_RUN with immediate_exit(vCPU " + id + ")",
                        "it returned exit " + exit.kind() + " instead of returning at once");
            }
        } finally {
            handle.exit();
        }
    }

    /**
     * Every register KVM lists for this vCPU (KVM_GET_REG_LIST; arm64 and riscv64), by KVM's ids.
     *
     * @throws KvmException when KVM has no such list (x86) or refuses
     */
    public long[] registerIds() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ids = a.allocate((long) MAX_REGISTERS * 8, 8);
            int n = Shim.check(Shim.regList(fd, ids, MAX_REGISTERS), "KVM_GET_REG_LIST(vCPU " + id + ")");
            return ids.asSlice(0, n * 8L).toArray(ValueLayout.JAVA_LONG);
        }
    }

    /** The size in bytes of the register KVM names {@code regId} (it is part of the id). */
    public static int registerSize(long regId) {
        return Shim.oneRegSize(regId);
    }

    /** The value of register {@code regId} (KVM_GET_ONE_REG), {@link #registerSize} bytes. */
    public byte[] register(long regId) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(registerSize(regId), 16);
            Shim.check(Shim.getOneReg(fd, regId, buf), String.format("KVM_GET_ONE_REG(vCPU %d, 0x%x)", id, regId));
            return buf.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Sets register {@code regId} (KVM_SET_ONE_REG) to {@code value}, which must be
     * {@link #registerSize} bytes. Returns 0, or {@code -errno} when KVM refuses: whether that is
     * fatal is the caller's to say.
     */
    public int setRegister(long regId, byte[] value) {
        if (value.length != registerSize(regId)) {
            throw new IllegalArgumentException(String.format("register 0x%x takes %d bytes, not %d", regId,
                    registerSize(regId), value.length));
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(value.length, 16);
            MemorySegment.copy(value, 0, buf, ValueLayout.JAVA_BYTE, 0, value.length);
            return Shim.setOneReg(fd, regId, buf);
        }
    }

    /** The values of registers {@code ids} ({@link #register} each), in the same order. */
    public byte[][] registers(long[] ids) {
        byte[][] values = new byte[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            values[i] = register(ids[i]);
        }
        return values;
    }

    /**
     * Restores a saved vCPU: registers {@code ids[i]} set to {@code values[i]} in order, then the
     * run state. A register KVM refuses to set is accepted when it already holds the value (a
     * read-only one, as an ID register or the timer's frequency on the same host); otherwise the
     * refusal is thrown, naming the register.
     *
     * @throws KvmException for the first register KVM refuses that holds another value, or a
     *     refused run state
     */
    public void restoreRegisters(long[] ids, byte[][] values, int runState) {
        for (int i = 0; i < ids.length; i++) {
            int rc = setRegister(ids[i], values[i]);
            if (rc < 0 && !Arrays.equals(register(ids[i]), values[i])) {
                throw new KvmException(String.format("KVM_SET_ONE_REG(vCPU %d, 0x%x)", id, ids[i]), -rc);
            }
        }
        Shim.check(setMpState(runState), "KVM_SET_MP_STATE(vCPU " + id + ", " + runState + ")");
    }

    /** KVM's run state of the vCPU (KVM_GET_MP_STATE: its number, as KVM defines it). */
    public int mpState() {
        return Shim.check(Shim.getMpState(fd), "KVM_GET_MP_STATE(vCPU " + id + ")");
    }

    /** Sets the run state (KVM_SET_MP_STATE); 0 or {@code -errno}. */
    public int setMpState(int state) {
        return Shim.setMpState(fd, state);
    }

    /**
     * Makes the thread in {@link #run()} return soon with {@link KvmExitKind#INTR}; when the vCPU
     * is not in the guest, its next run returns at once instead. Safe from any thread, and a no-op
     * once the vCPU is released.
     */
    public void kick() {
        if (!handle.enterWhileClosing()) {
            return;
        }
        try {
            kickHeld();
        } finally {
            handle.exit();
        }
    }

    private void kickHeld() {
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

    /** Whether {@link #close()} has begun. */
    public boolean isClosed() {
        return handle.isClosing();
    }

    /** Whether the fd and the run area have been released (after a close, once no thread runs the vCPU). */
    public boolean isReleased() {
        return handle.isReleased();
    }

    /**
     * Closes the vCPU: refuses new runs, kicks a thread still in {@link #run()} (again every 10 ms)
     * and waits up to 5 s for it to leave, then unmaps the run area and closes the file descriptor.
     * A thread that does not leave in time releases them itself when it does; the close returns
     * anyway (logged). Idempotent; never throws for a thread that stays.
     *
     * @throws RuntimeException when releasing failed (munmap or close reported an error)
     */
    @Override
    public void close() {
        if (!handle.closeAndAwait(CLOSE_WAIT_NANOS, REKICK_NANOS, this::kickHeld)) {
            LOG.warn("vCPU {}: its thread has not left KVM_RUN 5 s after the close; its fd and run area are released "
                    + "when it does", id);
        }
        RuntimeException failure = handle.releaseFailure();
        if (failure != null) {
            throw failure;
        }
    }

    private void releaseNative() {
        try {
            arena.close();
        } finally {
            Shim.close(fd);
        }
    }
}
