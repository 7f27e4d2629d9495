package dev.axvm.vm.internal;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;
import dev.axvm.vcpu.VCpuState;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.Transition;
import dev.axvm.vm.VmStatus;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM's run state, in one place: one lock, one status, and every transition defined from every
 * state. Host threads (boot, pause, resume, reboot, stop, close) and vCPU threads (a guest's
 * power-off or reset, from any number of vCPUs at once) meet here; nothing they ask for is lost,
 * and nothing here throws at a vCPU thread.
 *
 * <pre>
 *              boot               pause                      stop / guest power-off
 *   LOADED ----------> RUNNING ----------> SUSPENDED           (from LOADED, RUNNING, SUSPENDED, REBOOTING)
 *      |                 | ^  <-----------    |       ---> STOPPING --(last runner leaves)--> STOPPED --close--> CLOSED
 *      |          reboot | |     resume       | reboot
 *      |                 v |                  v
 *      |              REBOOTING  ----(rebuilt)----> RUNNING, or SUSPENDED if paused before or during it,
 *      |                                            or STOPPING/STOPPED if stopped during it
 *      +--stop--> STOPPED
 * </pre>
 *
 * A reboot runs on the thread that asked for it, once every other thread has let go of its vCPU;
 * a second reboot asked meanwhile (two vCPUs resetting together) is coalesced, and a request from
 * a vCPU whose exit came from an earlier boot is stale and dropped. A stop during a reboot is
 * honoured when the rebuild ends (the VM does not come back to life). A close waits for a reboot
 * under way, stops the VM, waits for the vCPU threads, and releases everything — or, when a thread
 * will not leave, leaves the release to that thread (the last runner out turns off the lights).
 *
 * <p>Snapshots: one is written only from SUSPENDED ({@link #beginSnapshot}); until it ends, a resume
 * or reboot waits and a close leaves the release to its end. A VM built from a snapshot goes from
 * LOADED straight to SUSPENDED ({@link #restoreSuspended}) with the saved boot count and vCPU power.
 */
public final class VmLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(VmLifecycle.class);
    private static final long REKICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int STATE_VERSION = 1;

    /** What the lifecycle needs from the rest of the VM. */
    public interface Machine {
        /** Rebuilds the hardware for a reboot (every vCPU let go); throws on failure. */
        void rebuild();

        /** Whether the hypervisor starts secondary vCPUs itself (then they are ON from boot). */
        boolean hypervisorStartsSecondaries();

        /** Releases everything (no thread holds a vCPU). Throws the failures, once. */
        void release();

        /** Called, without the lock, each time the status changes (for logging). */
        default void statusChanged(VmStatus status, StopCause cause) { }
    }

    private final int vmId;
    private final String name;
    private final VcpuSlot[] slots;
    private final Machine machine;
    private final LongSupplier clock;
    private final long quiesceNanos;
    private final Object lock = new Object();

    private volatile VmStatus status = VmStatus.LOADED;
    private StopCause stopCause;
    private boolean pauseAfterReboot;
    private int generation;
    private int activeRunners;
    private boolean closing;
    private boolean releaseDeferred;
    /** Snapshots being written: they read the VM, so nothing may resume, rebuild or release it meanwhile. */
    private int snapshotting;

    /** @param quiesceNanos how long a reboot, pause or close waits for vCPU threads to let go */
    public VmLifecycle(int vmId, String name, VcpuSlot[] slots, Machine machine, LongSupplier clock, long quiesceNanos) {
        this.vmId = vmId;
        this.name = name;
        this.slots = slots;
        this.machine = machine;
        this.clock = clock;
        this.quiesceNanos = quiesceNanos;
    }

    // ---- what everybody reads ---------------------------------------------------------------

    public VmStatus status() {
        return status;
    }

    public StopCause stopCause() {
        synchronized (lock) {
            return stopCause;
        }
    }

    /** The boot the VM is in: 0 at the first boot, one more after each reboot. */
    public int generation() {
        synchronized (lock) {
            return generation;
        }
    }

    // ---- host transitions -------------------------------------------------------------------

    /** LOADED → RUNNING: the boot vCPU (and those the hypervisor starts itself) may run. */
    public void boot() {
        synchronized (lock) {
            if (status != VmStatus.LOADED) {
                throw new IllegalStateException("VM " + vmId + " cannot boot from " + status);
            }
            powerUp();
            setStatus(VmStatus.RUNNING);
        }
        changed(VmStatus.RUNNING, null);
    }

    /** vCPU 0 ON, the others OFF unless the hypervisor starts them; under the lock. */
    private void powerUp() {
        boolean all = machine.hypervisorStartsSecondaries();
        for (VcpuSlot s : slots) {
            s.power = s.id == 0 || all ? VcpuSlot.Power.ON : VcpuSlot.Power.OFF;
            s.wakeup = false;
        }
    }

    /**
     * RUNNING → SUSPENDED, returning once no vCPU is in the guest (up to 10 s; a thread that holds
     * its vCPU longer is logged). During a reboot the pause is queued: the VM comes back suspended.
     */
    public Transition pause() {
        synchronized (lock) {
            switch (status) {
                case RUNNING -> setStatus(VmStatus.SUSPENDED);
                case SUSPENDED -> {
                    return Transition.UNCHANGED;
                }
                case REBOOTING -> {
                    pauseAfterReboot = true;
                    return Transition.QUEUED;
                }
                default -> {
                    return Transition.REFUSED;
                }
            }
        }
        changed(VmStatus.SUSPENDED, null);
        if (!awaitLetGo()) {
            LOG.warn("VM {}: paused, but a vCPU thread still holds its vCPU after {} ms", vmId,
                    TimeUnit.NANOSECONDS.toMillis(quiesceNanos));
        }
        return Transition.APPLIED;
    }

    /** SUSPENDED → RUNNING; cancels a pause queued during a reboot. */
    public Transition resume() {
        synchronized (lock) {
            awaitNoSnapshot();
            switch (status) {
                case SUSPENDED -> setStatus(VmStatus.RUNNING);
                case RUNNING -> {
                    return Transition.UNCHANGED;
                }
                case REBOOTING -> {
                    if (!pauseAfterReboot) {
                        return Transition.UNCHANGED;
                    }
                    pauseAfterReboot = false;
                    return Transition.QUEUED;
                }
                default -> {
                    return Transition.REFUSED;
                }
            }
            lock.notifyAll();
        }
        changed(VmStatus.RUNNING, null);
        return Transition.APPLIED;
    }

    /** The host asks for a reboot. */
    public Transition reboot() {
        return reboot(null);
    }

    /**
     * The guest on vCPU {@code vcpuId} asked for a reset: a reboot, unless the exit that asked came
     * from an earlier boot (then it is stale: {@link Transition#UNCHANGED}). Call it on that vCPU's thread.
     */
    public Transition guestReset(int vcpuId) {
        return reboot(slots[vcpuId]);
    }

    private Transition reboot(VcpuSlot from) {
        boolean resumeAfter;
        synchronized (lock) {
            awaitNoSnapshot();
            if (from != null && from.exitGeneration != generation) {
                return Transition.UNCHANGED;
            }
            switch (status) {
                case RUNNING, SUSPENDED -> { }
                case REBOOTING -> {
                    return Transition.UNCHANGED;
                }
                default -> {
                    return Transition.REFUSED;
                }
            }
            if (closing) {
                return Transition.REFUSED;
            }
            pauseAfterReboot = status == VmStatus.SUSPENDED;
            resumeAfter = !pauseAfterReboot;
            setStatus(VmStatus.REBOOTING);
            lock.notifyAll();
        }
        changed(VmStatus.REBOOTING, null);
        Throwable failure = null;
        if (!awaitLetGo()) {
            failure = new IllegalStateException("a vCPU thread did not let go of its vCPU within " + TimeUnit.NANOSECONDS.toMillis(quiesceNanos) + " ms");
        } else {
            try {
                machine.rebuild();
            } catch (Throwable t) {
                failure = t;
            }
        }
        return finishReboot(failure, resumeAfter);
    }

    private Transition finishReboot(Throwable failure, boolean resumeAfter) {
        VmStatus next;
        StopCause cause;
        boolean release;
        synchronized (lock) {
            if (failure != null && stopCause == null) {
                stopCause = StopCause.crash("reboot failed", failure);
            }
            generation++;
            if (stopCause == null) {
                powerUp();
                next = pauseAfterReboot ? VmStatus.SUSPENDED : VmStatus.RUNNING;
            } else {
                next = activeRunners == 0 ? VmStatus.STOPPED : VmStatus.STOPPING;
            }
            pauseAfterReboot = false;
            setStatus(next);
            cause = stopCause;
            release = takeDeferredRelease();
            lock.notifyAll();
        }
        changed(next, cause);
        if (release) {
            releaseAndClose();
        }
        if (failure != null) {
            LOG.warn("VM {} '{}': reboot failed; the VM stopped: {}", vmId, name, failure.toString());
            return Transition.FAILED;
        }
        LOG.info("VM {} '{}' rebooted{}", vmId, name, next == VmStatus.RUNNING || !resumeAfter ? "" : " (" + next + ")");
        return Transition.APPLIED;
    }

    /**
     * Stops the VM for {@code cause}; the first cause wins. From LOADED the VM is STOPPED at once;
     * while it runs it becomes STOPPING and then STOPPED when the last vCPU thread leaves
     * {@code runVcpu}; during a reboot the stop takes effect when the rebuild ends.
     *
     * @return whether this call stopped it (false: it was stopping, stopped or closed already)
     */
    public boolean stop(StopCause cause) {
        Objects.requireNonNull(cause, "cause");
        VmStatus next;
        synchronized (lock) {
            if (stopCause != null || status.isEnding()) {
                return false;
            }
            stopCause = cause;
            if (status == VmStatus.REBOOTING) {
                return true; // finishReboot sees the cause
            }
            next = status == VmStatus.LOADED || activeRunners == 0 ? VmStatus.STOPPED : VmStatus.STOPPING;
            setStatus(next);
            lock.notifyAll();
        }
        LOG.info("VM {} '{}' stopping: {}", vmId, name, cause.detail());
        changed(next, cause);
        kickAll();
        return true;
    }

    /**
     * The guest on vCPU {@code vcpuId} asked the VM to stop (power-off, a crash): dropped when its
     * exit came from an earlier boot. Call it on that vCPU's thread.
     */
    public boolean guestStop(int vcpuId, StopCause cause) {
        synchronized (lock) {
            if (slots[vcpuId].exitGeneration != generation) {
                return false;
            }
        }
        return stop(cause);
    }

    /** Waits until the VM is STOPPED (or CLOSED); false on timeout. */
    public boolean awaitStopped(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (!status.isStopped()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * Stops the VM if it runs, waits (up to 10 s each) for a reboot under way and for the vCPU
     * threads to leave, and releases everything. A thread that does not leave releases it itself
     * when it does. Idempotent; throws the release failures once.
     */
    public void close(StopCause cause) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        stop(cause);
        kickAll();
        boolean releaseNow;
        synchronized (lock) {
            long deadline = System.nanoTime() + quiesceNanos;
            boolean interrupted = false;
            while (!quiet() && System.nanoTime() < deadline) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1, Math.min(REKICK_NANOS, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                kickAllLocked();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            releaseNow = quiet();
            releaseDeferred = !releaseNow;
        }
        if (!releaseNow) {
            LOG.warn("VM {} '{}': a vCPU thread is still inside runVcpu {} ms after the close; the VM's resources are "
                    + "released when it leaves", vmId, name, TimeUnit.NANOSECONDS.toMillis(quiesceNanos));
            return;
        }
        releaseAndClose();
    }

    private void releaseAndClose() {
        try {
            machine.release();
        } finally {
            synchronized (lock) {
                setStatus(VmStatus.CLOSED);
                lock.notifyAll();
            }
            changed(VmStatus.CLOSED, stopCause());
        }
    }

    // ---- snapshots --------------------------------------------------------------------------

    /**
     * A snapshot begins: the VM must be SUSPENDED with no thread holding a vCPU. Until
     * {@link #endSnapshot}, a resume or reboot waits and a close does not release the VM; a stop
     * still stops it (the snapshot reads a VM whose memory and vCPUs are all still there).
     *
     * @throws IllegalStateException when the VM is not paused, or a vCPU thread still holds its vCPU
     */
    public void beginSnapshot() {
        synchronized (lock) {
            if (status != VmStatus.SUSPENDED || closing) {
                throw new IllegalStateException("VM " + vmId + " is " + (closing ? "closing" : status)
                        + "; pause it before a snapshot");
            }
            for (VcpuSlot s : slots) {
                if (s.holder != null) {
                    throw new IllegalStateException("VM " + vmId + ": thread '" + s.holder.getName() + "' still holds vCPU "
                            + s.id + " after the pause; a snapshot needs every vCPU let go");
                }
            }
            snapshotting++;
        }
    }

    /** The snapshot {@link #beginSnapshot} began has ended (written or failed). */
    public void endSnapshot() {
        boolean release;
        synchronized (lock) {
            snapshotting--;
            release = takeDeferredRelease();
            lock.notifyAll();
        }
        if (release) {
            releaseAndClose();
        }
    }

    private void awaitNoSnapshot() {
        boolean interrupted = false;
        while (snapshotting > 0) {
            try {
                lock.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Encoding 1 of the run state a snapshot carries: the version byte, the boot count, the
     * number of vCPUs, then each vCPU's power (0 off, 1 starting, 2 on) with the entry and
     * argument of a pending start. Call it between {@link #beginSnapshot} and {@link #endSnapshot}.
     */
    public byte[] saveState() {
        synchronized (lock) {
            StateWriter w = new StateWriter(STATE_VERSION).putInt(generation).putInt(slots.length);
            for (VcpuSlot s : slots) {
                w.putByte(s.power.ordinal()).putLong(s.startEntry == null ? 0 : s.startEntry.value()).putLong(s.startArg);
            }
            return w.toByteArray();
        }
    }

    /**
     * LOADED → SUSPENDED, in the run state {@link #saveState} gave: a VM restored from a snapshot
     * waits for {@link #resume} with its vCPUs on or off as they were.
     *
     * @throws IllegalArgumentException naming the field when the state is not one of this VM's
     */
    public void restoreSuspended(byte[] state) {
        StateReader r = new StateReader("VM " + vmId + " run state", state, STATE_VERSION);
        int gen = r.getInt("boot count");
        int n = r.getCount("vCPU count", slots.length);
        if (n != slots.length || gen < 0) {
            throw r.refused(gen < 0 ? "boot count " + gen + " at offset 1" : n + " vCPUs at offset 5; this VM has " + slots.length);
        }
        VcpuSlot.Power[] power = new VcpuSlot.Power[n];
        long[] entry = new long[n];
        long[] arg = new long[n];
        for (int i = 0; i < n; i++) {
            int at = r.offset();
            int p = r.getByte("vCPU " + i + " power");
            if (p >= VcpuSlot.Power.values().length) {
                throw r.refused("vCPU " + i + " power " + p + " at offset " + at);
            }
            power[i] = VcpuSlot.Power.values()[p];
            entry[i] = r.getLong("vCPU " + i + " start entry");
            arg[i] = r.getLong("vCPU " + i + " start argument");
        }
        r.end();
        synchronized (lock) {
            if (status != VmStatus.LOADED) {
                throw new IllegalStateException("VM " + vmId + " cannot be restored from " + status);
            }
            generation = gen;
            for (int i = 0; i < n; i++) {
                slots[i].power = power[i];
                slots[i].startEntry = power[i] == VcpuSlot.Power.STARTING ? GuestPhysAddr.of(entry[i]) : null;
                slots[i].startArg = arg[i];
                slots[i].exitGeneration = gen;
            }
            setStatus(VmStatus.SUSPENDED);
        }
        changed(VmStatus.SUSPENDED, null);
    }

    // ---- vCPU threads -----------------------------------------------------------------------

    /**
     * A thread enters {@code runVcpu}.
     *
     * @throws IllegalStateException when the VM has not been booted
     */
    public void runnerEnters() {
        synchronized (lock) {
            if (status == VmStatus.LOADED || status == VmStatus.LOADING) {
                throw new IllegalStateException("VM " + vmId + " is " + status + "; boot it first");
            }
            activeRunners++;
        }
    }

    /** A thread leaves {@code runVcpu}: the last one out of a stopping VM stops it, and of a closed one releases it. */
    public void runnerLeaves() {
        VmStatus next = null;
        boolean release;
        synchronized (lock) {
            activeRunners--;
            if (activeRunners == 0 && status == VmStatus.STOPPING) {
                next = VmStatus.STOPPED;
                setStatus(next);
            }
            release = takeDeferredRelease();
            lock.notifyAll();
        }
        if (next != null) {
            changed(next, stopCause());
        }
        if (release) {
            releaseAndClose();
        }
    }

    /**
     * The calling thread lets go of the vCPU of {@code s} (it returned from {@code runVcpu} with an
     * exit it has handled and will not call {@code runVcpu} again). A no-op for a thread that does not hold it.
     */
    public void letGo(VcpuSlot s) {
        boolean release;
        synchronized (lock) {
            if (s.holder != Thread.currentThread()) {
                return;
            }
            s.holder = null;
            release = takeDeferredRelease();
            lock.notifyAll();
        }
        if (release) {
            releaseAndClose();
        }
    }

    /**
     * No thread inside runVcpu (so none in the guest) and no reboot under way; under the lock. A
     * thread that still holds a vCPU while handling its last exit does not keep a close waiting:
     * whatever it touches after the release fails with an exception on its own thread (the native
     * handles are owned, the memory segments closed), never in the host's memory.
     */
    private boolean quiet() {
        return activeRunners == 0 && status != VmStatus.REBOOTING && snapshotting == 0;
    }

    /** Whether this thread should carry out a release a close left for the last thread out; under the lock. */
    private boolean takeDeferredRelease() {
        if (releaseDeferred && quiet()) {
            releaseDeferred = false;
            return true;
        }
        return false;
    }

    /**
     * The runner of {@code s} lets go of its vCPU (if it held it) and waits until the vCPU may run;
     * then holds it again and returns it. Returns null when the VM is ending (the runner should
     * return) or the thread was interrupted (its interrupt flag is set again).
     */
    public AxVCpu<AxArchVCpu> awaitTurn(VcpuSlot s) {
        synchronized (lock) {
            Thread me = Thread.currentThread();
            if (s.holder == me) {
                s.holder = null;
                lock.notifyAll();
            }
            for (;;) {
                if (status.isEnding()) {
                    return null;
                }
                if (status == VmStatus.RUNNING && s.power != VcpuSlot.Power.OFF && s.holder == null) {
                    s.holder = me;
                    s.exitGeneration = generation;
                    return s.vcpu;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    me.interrupt();
                    return null;
                }
            }
        }
    }

    /**
     * Takes the pending start of {@code s} on its own thread: the entry to apply (its argument is
     * {@code s.startArg}, which stays put while the vCPU is on), or null.
     */
    public GuestPhysAddr takePendingStart(VcpuSlot s) {
        synchronized (lock) {
            if (s.power != VcpuSlot.Power.STARTING) {
                return null;
            }
            s.power = VcpuSlot.Power.ON;
            return s.startEntry;
        }
    }

    /** Whether the last exit of {@code s} came from the current boot (a reply to it reaches the running guest). */
    public boolean exitIsCurrent(VcpuSlot s) {
        synchronized (lock) {
            return s.exitGeneration == generation && status != VmStatus.REBOOTING;
        }
    }

    /**
     * Waits until no thread but the caller holds a vCPU, kicking holders out of the guest every
     * 10 ms; false after 10 s.
     */
    private boolean awaitLetGo() {
        long deadline = System.nanoTime() + quiesceNanos;
        Thread me = Thread.currentThread();
        kickAll();
        synchronized (lock) {
            for (;;) {
                boolean held = false;
                for (VcpuSlot s : slots) {
                    Thread h = s.holder;
                    held |= h != null && h != me;
                }
                if (!held) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, REKICK_NANOS));
                } catch (InterruptedException e) {
                    me.interrupt();
                    return false;
                }
                kickAllLocked();
            }
        }
    }

    /** Kicks every vCPU out of the guest and wakes every waiting thread. */
    public void kickAll() {
        synchronized (lock) {
            kickAllLocked();
        }
    }

    // Kicks are cheap and never block (a signal and a flag): safe under the lock.
    private void kickAllLocked() {
        for (VcpuSlot s : slots) {
            if (s != null && s.vcpu.state() != VCpuState.INVALID) {
                s.vcpu.kick();
            }
        }
        lock.notifyAll();
    }

    // ---- vCPU power (the guest's CpuUp / CpuDown) -------------------------------------------

    /** PSCI-style start of the vCPU with architectural id {@code archId}: 0, -2 (no such vCPU) or -4 (already on). */
    public int startVcpu(long archId, GuestPhysAddr entry, long arg) {
        synchronized (lock) {
            for (VcpuSlot s : slots) {
                if (s.archId == archId) {
                    if (s.power != VcpuSlot.Power.OFF) {
                        return -4;
                    }
                    s.power = VcpuSlot.Power.STARTING;
                    s.startEntry = entry;
                    s.startArg = arg;
                    lock.notifyAll();
                    return 0;
                }
            }
            return -2;
        }
    }

    /** The guest turned the vCPU off: its thread waits until it is started again. */
    public void stopVcpu(VcpuSlot s) {
        synchronized (lock) {
            s.power = VcpuSlot.Power.OFF;
        }
    }

    public boolean isStarted(VcpuSlot s) {
        synchronized (lock) {
            return s.power != VcpuSlot.Power.OFF;
        }
    }

    /** Waits after a Halt until an interrupt arrives, the VM leaves RUNNING, the vCPU is turned off, or the time passes. */
    public boolean awaitInterrupt(VcpuSlot s, long timeoutNanos) {
        long deadline = clock.getAsLong() + timeoutNanos;
        synchronized (lock) {
            while (!s.wakeup && status == VmStatus.RUNNING && s.power != VcpuSlot.Power.OFF) {
                long left = deadline - clock.getAsLong();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            boolean woken = s.wakeup;
            s.wakeup = false;
            return woken;
        }
    }

    /** Wakes the vCPU's thread if it waits after a Halt. */
    public void wake(VcpuSlot s) {
        synchronized (lock) {
            s.wakeup = true;
            lock.notifyAll();
        }
    }

    // ---- internals --------------------------------------------------------------------------

    private void setStatus(VmStatus next) {
        status = next;
    }

    private void changed(VmStatus next, StopCause cause) {
        machine.statusChanged(next, cause);
    }
}
