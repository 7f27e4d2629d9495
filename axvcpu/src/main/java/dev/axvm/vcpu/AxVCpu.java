package dev.axvm.vcpu;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An architecture-neutral vCPU (AxVisor's {@code AxVCpu}): identity, affinity, and the state
 * machine around an {@link AxArchVCpu}.
 *
 * <pre>
 * Created --setup--> Free --bind--> Ready --run--> Running --(exit)--> Ready
 *                     ^               |  \--block--> Blocked --unblock--/
 *                     \----unbind-----/
 * </pre>
 *
 * A call in the wrong state, or an architecture call that fails, leaves the vCPU
 * {@link VCpuState#INVALID}; every later call then fails with a {@link VCpuStateException}
 * that names the original failure. Register access and {@code run} belong to the bound thread;
 * {@link #injectInterrupt} and {@link #kick} work from any thread.
 *
 * @param <A> the architecture's vCPU type
 */
public final class AxVCpu<A extends AxArchVCpu> implements AutoCloseable {
    private final int vmId;
    private final int vcpuId;
    private final int favorPhysCpu;
    private final long physCpuSet;
    private final A arch;
    private final AtomicReference<VCpuState> state = new AtomicReference<>(VCpuState.CREATED);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread boundThread;
    private volatile String invalidBecause;

    /**
     * Wraps {@code arch}.
     *
     * @param favorPhysCpu the host CPU this vCPU prefers (-1 for none)
     * @param physCpuSet a bit mask of host CPUs it may run on (0 for any)
     */
    public AxVCpu(int vmId, int vcpuId, int favorPhysCpu, long physCpuSet, A arch) {
        this.vmId = vmId;
        this.vcpuId = vcpuId;
        this.favorPhysCpu = favorPhysCpu;
        this.physCpuSet = physCpuSet;
        this.arch = Objects.requireNonNull(arch, "arch");
    }

    /** The VM's id. */
    public int vmId() {
        return vmId;
    }

    /** This vCPU's index in its VM. */
    public int vcpuId() {
        return vcpuId;
    }

    /** The preferred host CPU, or -1. */
    public int favorPhysCpu() {
        return favorPhysCpu;
    }

    /** The host CPUs this vCPU may run on, as a bit mask (0 = any). */
    public long physCpuSet() {
        return physCpuSet;
    }

    /** Whether this is the boot vCPU (id 0). */
    public boolean isBsp() {
        return vcpuId == 0;
    }

    /** The current state. */
    public VCpuState state() {
        return state.get();
    }

    /** The architecture's vCPU, for architecture-specific calls (register dumps, CPUID, ...). */
    public A arch() {
        return arch;
    }

    /** Created → Free: sets the entry and nested root, then the architectural initial state. */
    public void setup(GuestPhysAddr entry, HostPhysAddr nestedRoot, VCpuSetupConfig config) {
        enter(VCpuState.CREATED, VCpuState.FREE, "setup");
        try {
            arch.setEntry(entry);
            arch.setNestedRoot(nestedRoot);
            arch.setup(config);
        } catch (RuntimeException e) {
            throw invalidate("setup", e);
        }
        state.set(VCpuState.FREE);
    }

    /** Free → Ready: binds the vCPU to the calling thread. */
    public void bind() {
        enter(VCpuState.FREE, VCpuState.READY, "bind");
        try {
            arch.bind();
        } catch (RuntimeException e) {
            throw invalidate("bind", e);
        }
        boundThread = Thread.currentThread();
        state.set(VCpuState.READY);
    }

    /** Ready → Free: releases the vCPU from its thread. */
    public void unbind() {
        requireBoundThread("unbind");
        enter(VCpuState.READY, VCpuState.FREE, "unbind");
        try {
            arch.unbind();
        } catch (RuntimeException e) {
            throw invalidate("unbind", e);
        }
        boundThread = null;
        state.set(VCpuState.FREE);
    }

    /**
     * Ready → Running → Ready: runs the guest, serving device accesses through {@code handler},
     * until an exit the caller must handle.
     */
    public ExitReason run(DeviceAccessHandler handler) {
        requireBoundThread("run");
        enter(VCpuState.READY, VCpuState.RUNNING, "run");
        ExitReason exit;
        try {
            exit = arch.run(handler);
        } catch (RuntimeException e) {
            throw invalidate("run", e);
        }
        state.set(VCpuState.READY);
        return exit;
    }

    /** Ready → Running → Ready: runs the guest until the next exit of any kind. */
    public ExitReason run() {
        requireBoundThread("run");
        enter(VCpuState.READY, VCpuState.RUNNING, "run");
        ExitReason exit;
        try {
            exit = arch.run();
        } catch (RuntimeException e) {
            throw invalidate("run", e);
        }
        state.set(VCpuState.READY);
        return exit;
    }

    /** Ready → Blocked: the bound thread waits (for an interrupt, or to be started). */
    public void block() {
        requireBoundThread("block");
        enter(VCpuState.READY, VCpuState.BLOCKED, "block");
    }

    /** Blocked → Ready. */
    public void unblock() {
        requireBoundThread("unblock");
        enter(VCpuState.BLOCKED, VCpuState.READY, "unblock");
    }

    /** Sets a general-purpose register (Free or Ready; on the bound thread once bound). */
    public void setGpr(int reg, long value) {
        requireRegisterAccess("setGpr");
        arch.setGpr(reg, value);
    }

    /** Reads a general-purpose register (Free or Ready; on the bound thread once bound). */
    public long getGpr(int reg) {
        requireRegisterAccess("getGpr");
        return arch.getGpr(reg);
    }

    /** Sets the return value of the call that caused the last exit. */
    public void setReturnValue(long value) {
        requireRegisterAccess("setReturnValue");
        arch.setReturnValue(value);
    }

    /** Completes the read that caused the last exit. */
    public void completeRead(long value) {
        requireRegisterAccess("completeRead");
        arch.completeRead(value);
    }

    /**
     * The vCPU's architectural state for a snapshot ({@link AxArchVCpu#saveState}): Free, Ready or
     * Blocked, from any thread, while the vCPU's own thread leaves it alone (the VM is paused).
     */
    public byte[] saveState() {
        requireStopped("saveState");
        return arch.saveState();
    }

    /** Restores a state {@link #saveState} gave ({@link AxArchVCpu#restoreState}); as {@link #saveState}. */
    public void restoreState(byte[] state) {
        requireStopped("restoreState");
        arch.restoreState(state);
    }

    /** Injects an interrupt; queued while the guest cannot take it. Any thread, any state but Invalid. */
    public void injectInterrupt(int vector) {
        requireValid("injectInterrupt");
        arch.injectInterrupt(vector);
    }

    /** Makes a running vCPU return from {@code run} soon. Any thread. */
    public void kick() {
        if (state.get() != VCpuState.INVALID) {
            arch.kick();
        }
    }

    /** Releases the architecture vCPU; the vCPU becomes Invalid. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            state.set(VCpuState.INVALID);
            invalidBecause = "closed";
            arch.close();
        }
    }

    private String name() {
        return "vCPU " + vcpuId + " of VM " + vmId;
    }

    private void enter(VCpuState from, VCpuState to, String op) {
        if (!state.compareAndSet(from, to)) {
            VCpuState actual = state.get();
            if (actual == VCpuState.INVALID) {
                throw new VCpuStateException(name() + ": " + op + " refused: the vCPU is Invalid (" + invalidBecause + ")");
            }
            state.set(VCpuState.INVALID);
            invalidBecause = op + " called in state " + actual;
            throw new VCpuStateException(name() + ": " + op + " needs state " + from + " but it is " + actual
                    + "; the vCPU is now Invalid");
        }
    }

    private VCpuStateException invalidate(String op, RuntimeException cause) {
        state.set(VCpuState.INVALID);
        invalidBecause = op + " failed: " + cause.getMessage();
        return new VCpuStateException(name() + ": " + op + " failed: " + cause.getMessage(), cause);
    }

    private void requireValid(String op) {
        if (state.get() == VCpuState.INVALID) {
            throw new VCpuStateException(name() + ": " + op + " refused: the vCPU is Invalid (" + invalidBecause + ")");
        }
    }

    private void requireBoundThread(String op) {
        requireValid(op);
        Thread bound = boundThread;
        if (bound != null && bound != Thread.currentThread()) {
            throw new VCpuStateException(name() + ": " + op + " from thread '" + Thread.currentThread().getName()
                    + "' but the vCPU is bound to '" + bound.getName() + "'");
        }
    }

    private void requireRegisterAccess(String op) {
        requireBoundThread(op);
        requireStopped(op);
    }

    private void requireStopped(String op) {
        requireValid(op);
        VCpuState s = state.get();
        if (s != VCpuState.FREE && s != VCpuState.READY && s != VCpuState.BLOCKED) {
            throw new VCpuStateException(name() + ": " + op + " needs state Free, Ready or Blocked but it is " + s);
        }
    }
}
