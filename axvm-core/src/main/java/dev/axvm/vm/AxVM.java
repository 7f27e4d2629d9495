package dev.axvm.vm;

import dev.axvm.addrspace.AddrSpace;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.ImageKind;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.VmControl;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.VCpuState;
import dev.axvm.vcpu.VCpuStateException;
import dev.axvm.vcpu.spi.Teardown;
import dev.axvm.vm.fdt.Fdt;
import dev.axvm.vm.internal.VcpuSlot;
import dev.axvm.vm.internal.VmAssembly;
import dev.axvm.vm.internal.VmLifecycle;
import dev.axvm.vm.internal.DirtyTracking;
import dev.axvm.vm.internal.VmSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual machine (AxVisor's {@code AxVM}), built from an {@link AxVMConfig}: guest RAM from the
 * HAL mapped in its {@link AddrSpace} and registered with the hypervisor, images loaded, devices
 * created, vCPUs created through the architecture backend found at run time.
 *
 * <p>Lifecycle ({@link VmStatus}): {@link VmStatus#LOADED} after {@link #builder building};
 * {@link #boot()} makes it {@link VmStatus#RUNNING}; each vCPU's host thread then calls
 * {@link #runVcpu(int)} in a loop (or runs a {@link VcpuRunner}, which does exactly that and
 * handles the exits the way AxVisor's app does). {@link #pause()}/{@link #resume()},
 * {@link #reboot()} (which AxVisor cannot), {@link #stop}/{@link #shutdown()}, and
 * {@link #close()}, which returns every fd, mapping and frame. Every request is defined from every
 * state and answers with a {@link Transition}: one that races another transition (a pause during
 * a reboot, two vCPUs resetting at once, a stop while the VM reboots, a close from any state) is
 * queued, coalesced or refused — never lost, never thrown at a vCPU thread.
 *
 * <p>{@code runVcpu} handles MMIO, port I/O, system-register and nested-page-fault exits inside,
 * through the VM's devices and address space, and returns every other exit to its caller, as
 * AxVisor does. Whatever a guest-driven path throws (a device, the backend, a vCPU set up at an
 * entry it cannot take) stops the VM with a {@link StopCause.Kind#CRASH} cause carrying the
 * exception. Interrupts can be injected into any vCPU from any thread.
 *
 * @param <H> the host's HAL
 * @param <P> the host's frame service
 */
public final class AxVM<H extends AxVMHal<P>, P extends PagingHandler> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AxVM.class);

    /** PSCI's success, returned by {@link #startVcpu}. */
    public static final int START_OK = 0;
    /** PSCI's INVALID_PARAMETERS: no vCPU has that id. */
    public static final int START_INVALID = -2;
    /** PSCI's ALREADY_ON. */
    public static final int START_ALREADY_ON = -4;

    private final H hal;
    private final AxVMConfig config;
    private final int id;
    private final VmAssembly<P> parts;
    private final VcpuSlot[] slots;
    private final VmLifecycle lifecycle;
    private final AtomicReference<StopCause> requestedStop = new AtomicReference<>();
    private final DirtyTracking tracking;

    AxVM(AxVMBuilder<H, P> b) {
        this.hal = b.hal;
        this.config = b.config;
        this.id = (int) config.base().id();
        this.tracking = new DirtyTracking(b.trackDirtyPages);
        try (VmSnapshot.Restore restore = b.snapshot == null ? null
                : VmSnapshot.Restore.open(b.snapshot, config, b.restoreMemory == RestoreMemory.LAZY)) {
            this.parts = new VmAssembly<>(hal, config, b.backend, b.memoryImages, b.extraDevices, b.consoleOut, b.consoleIn,
                    new Control(), (vcpuId, what) -> requestStop(
                            new StopCause(StopCause.Kind.UNHANDLED_ACCESS, 1, "vCPU " + vcpuId + ": " + what)), restore);
            this.slots = parts.slots();
            this.lifecycle = new VmLifecycle(id, config.base().name(), slots, new Machine(), hal::monotonicNanos,
                    b.quiesce.toNanos());
            if (restore != null) {
                restoreRunState(restore);
                tracking.startAt(parts, restore.ref());
            }
        }
    }

    private void restoreRunState(VmSnapshot.Restore restore) {
        try {
            lifecycle.restoreSuspended(restore.runState());
        } catch (RuntimeException e) {
            Teardown teardown = new Teardown();
            parts.release(teardown);
            teardown.failures().forEach(e::addSuppressed);
            throw e instanceof IllegalArgumentException ? restore.refused("run-state", e.getMessage()) : e;
        }
    }

    /** Starts building a VM from {@code config} on {@code hal}. */
    public static <H extends AxVMHal<P>, P extends PagingHandler> AxVMBuilder<H, P> builder(AxVMConfig config, H hal) {
        return new AxVMBuilder<>(config, hal);
    }

    /** What the lifecycle asks of the rest of the VM. */
    private final class Machine implements VmLifecycle.Machine {
        @Override
        public void rebuild() {
            requestedStop.set(null); // a device's request belonged to the boot that is ending
            tracking.hardwareReplaced();
            parts.rebuild();
        }

        @Override
        public boolean hypervisorStartsSecondaries() {
            return parts.hypervisorStartsSecondaries();
        }

        @Override
        public void release() {
            Teardown teardown = new Teardown();
            parts.release(teardown);
            teardown.finish("closing VM " + id + " '" + name() + "'");
        }
    }

    // ---- identity ---------------------------------------------------------------------------

    /** The VM's id ({@code base.id}). */
    public int id() {
        return id;
    }

    /** The VM's name ({@code base.name}). */
    public String name() {
        return config.base().name();
    }

    /** The config it was built from. */
    public AxVMConfig config() {
        return config;
    }

    /** The guest architecture: x86_64, aarch64 or riscv64. */
    public String architecture() {
        return parts.architecture();
    }

    /** The HAL it runs on. */
    public H hal() {
        return hal;
    }

    /** The guest-physical address space: the single source of truth for the guest's memory map. */
    public AddrSpace<P> addrSpace() {
        return parts.addrSpace();
    }

    /** Its devices (an embedder may add more before {@link #boot()}). */
    public AxVmDevices devices() {
        return parts.devices();
    }

    /** Whether interrupts go through the hypervisor's in-kernel interrupt controller. */
    public boolean hasInKernelIrqchip() {
        var vm = parts.archVm();
        return vm != null && vm.hasInKernelIrqchip();
    }

    /**
     * The device tree that describes this VM (aarch64 and riscv64): its RAM, vCPUs, interrupt
     * controller, timer, console and devices, and {@code /chosen}. The guest gets it when its
     * kernel is a Linux Image or the config gives {@code dtb_load_addr} without {@code dtb_path}
     * (see {@link #generatedTreeAddress()}); a config's {@code dtb_path} wins. Empty on x86_64, or
     * when the VM lacks what a tree needs and its guest gets none ({@link #noDeviceTreeReason()}).
     */
    public Optional<Fdt> deviceTree() {
        return parts.deviceTree();
    }

    /** Where the guest finds {@link #deviceTree()} in its RAM; empty when the guest does not get it. */
    public OptionalLong generatedTreeAddress() {
        return parts.generatedTreeAddress();
    }

    /** Why {@link #deviceTree()} is empty (blank when it is not). */
    public String noDeviceTreeReason() {
        return parts.deviceTreeProblem();
    }

    /** Notes from building: what the host provides differently from the config's wording. */
    public List<String> notes() {
        return parts.notes();
    }

    /** How many vCPUs it has. */
    public int vcpuCount() {
        return slots.length;
    }

    /** vCPU {@code vcpuId} (replaced by a reboot: fetch it again after one). */
    public AxVCpu<AxArchVCpu> vcpu(int vcpuId) {
        return slot(vcpuId).vcpu;
    }

    /** The boot vCPU's entry: the config's entry point, or an ELF kernel's. */
    public GuestPhysAddr entryPoint() {
        return GuestPhysAddr.of(parts.bspEntry());
    }

    /** The current status. */
    public VmStatus status() {
        return lifecycle.status();
    }

    /** Why it stopped, once it is stopping or stopped; null before. */
    public StopCause stopCause() {
        return lifecycle.stopCause();
    }

    /** The boot the VM is in: 0 at the first boot, one more after each reboot. */
    public int generation() {
        return lifecycle.generation();
    }

    private VcpuSlot slot(int vcpuId) {
        if (vcpuId < 0 || vcpuId >= slots.length) {
            throw new IllegalArgumentException("VM " + id + " has vCPUs 0.." + (slots.length - 1) + ", not " + vcpuId);
        }
        return slots[vcpuId];
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /**
     * Loaded → Running: the boot vCPU may run; the others wait for the guest to start them.
     *
     * @throws IllegalStateException when the VM is not {@link VmStatus#LOADED} (booting twice is the host's mistake)
     */
    public void boot() {
        lifecycle.boot();
    }

    /**
     * Running → Suspended: returns once no vCPU is in the guest (their threads wait inside
     * {@link #runVcpu}). During a reboot the pause is queued and the VM comes back suspended.
     */
    public Transition pause() {
        return lifecycle.pause();
    }

    /**
     * Writes the paused VM to {@code file}: its config, run state, every device's state, the
     * hypervisor's VM and vCPU state, and guest memory (zero pages left out), in a versioned format
     * with a checksum per section; {@link AxVMBuilder#restoreFrom} builds it again, here or in
     * another process. The file appears complete or not at all. A resume or reboot asked meanwhile
     * waits for it; the VM stays paused.
     *
     * @return how many 4 KiB pages of guest memory were written
     * @throws IllegalStateException when the VM is not {@link VmStatus#SUSPENDED}
     * @throws SnapshotException naming a device that has no snapshot state yet, or what could not
     *     be written
     * @throws UnsupportedOperationException when this architecture's backend cannot save its state
     *     yet (the message says which)
     */
    public long snapshot(Path file) {
        lifecycle.beginSnapshot();
        try {
            return VmSnapshot.write(file, parts, lifecycle, tracking, false);
        } finally {
            lifecycle.endSnapshot();
        }
    }

    /**
     * Writes a diff snapshot of the paused VM to {@code file}: everything {@link #snapshot} writes
     * but memory, of which only the pages changed since the VM's last snapshot (written, or the
     * one it was restored from) — those the guest wrote (the hypervisor's dirty log) and those
     * device emulation wrote — layered on that snapshot, which must stay where it is (or beside
     * this file) for {@link AxVMBuilder#restoreFrom} to read the chain. Needs a VM built with
     * {@link AxVMBuilder#trackDirtyPages}. The VM's next diff layers on this one.
     *
     * @return how many 4 KiB pages of guest memory were written
     * @throws IllegalStateException when the VM is not {@link VmStatus#SUSPENDED}, does not track
     *     dirty pages, or has no snapshot to layer on (never snapshotted, rebooted since, or the
     *     last snapshot failed)
     * @throws SnapshotException as {@link #snapshot}
     * @throws UnsupportedOperationException when the backend cannot save its state or log dirty pages
     */
    public long snapshotDiff(Path file) {
        lifecycle.beginSnapshot();
        try {
            return VmSnapshot.write(file, parts, lifecycle, tracking, true);
        } finally {
            lifecycle.endSnapshot();
        }
    }

    /**
     * The VM in the snapshot {@code file} (full or diff), built on {@code hal} from the config the
     * snapshot carries, its memory mapped copy-on-write where the HAL can: {@link VmStatus#SUSPENDED}
     * until {@link #resume}. For devices of the embedder's, console streams or another memory mode,
     * use {@link #builder} with {@link AxVMBuilder#restoreFrom} and the snapshot's config
     * ({@link #snapshotConfig}).
     *
     * @throws SnapshotException when the snapshot is refused (one line naming the file and why)
     * @throws dev.axvm.config.ConfigException when the config it carries does not parse
     * @throws VmBuildException when the VM cannot be built on this host
     */
    public static <H extends AxVMHal<P>, P extends PagingHandler> AxVM<H, P> restore(Path file, H hal) {
        AxVMConfig config = AxVMConfigs.parse(snapshotConfig(file), file + " (its config)").config();
        return builder(config, hal).restoreFrom(file).build();
    }

    /**
     * The config the snapshot in {@code file} was taken of, as TOML: what {@link AxVMBuilder#restoreFrom}
     * needs when the original file is not at hand ({@code dev.axvm.config.AxVMConfigs.parse} reads it).
     *
     * @throws SnapshotException when the file is not a readable snapshot (one line naming it and why)
     */
    public static String snapshotConfig(Path file) {
        return VmSnapshot.configOf(file);
    }

    /** Suspended → Running (or cancels a pause queued during a reboot). */
    public Transition resume() {
        return lifecycle.resume();
    }

    /**
     * Restarts the guest from scratch, on the calling thread: once every other thread has let go
     * of its vCPU, the hypervisor's VM and vCPUs are rebuilt, RAM is fresh, the images reloaded
     * and the boot vCPU set up again; the other vCPUs wait to be started as at the first boot.
     * Threads inside {@link #runVcpu} carry on with the new vCPUs. A reboot already under way
     * makes this one {@link Transition#UNCHANGED}; a failure stops the VM ({@link Transition#FAILED}).
     */
    public Transition reboot() {
        return lifecycle.reboot();
    }

    /**
     * The guest on vCPU {@code vcpuId} asked for a reset (its {@code runVcpu} returned
     * {@code SystemDown(RESET)}): reboots, unless that exit came from an earlier boot — then another
     * vCPU's reset has already rebooted the VM ({@link Transition#UNCHANGED}). Call it on the thread
     * that runs the vCPU. {@link VcpuRunner} does.
     */
    public Transition rebootForGuest(int vcpuId) {
        return lifecycle.guestReset(slot(vcpuId).id);
    }

    /**
     * The guest on vCPU {@code vcpuId} stopped the VM (power-off, crash), as {@code runVcpu}'s
     * exit said: stops it with {@code cause}, unless that exit came from an earlier boot. Call it
     * on the thread that runs the vCPU.
     *
     * @return whether this call stopped the VM
     */
    public boolean stopForGuest(int vcpuId, StopCause cause) {
        return lifecycle.guestStop(slot(vcpuId).id, cause);
    }

    /** Stops the VM at the host's request. */
    public void shutdown() {
        stop(StopCause.hostRequest("shut down by the host"));
    }

    /**
     * Stops the VM for {@code cause} (the first cause wins): every vCPU leaves the guest and its
     * {@code runVcpu} returns; the status becomes Stopped once no thread is inside {@code runVcpu}.
     * During a reboot the stop takes effect when the rebuild ends.
     */
    public void stop(StopCause cause) {
        lifecycle.stop(cause);
    }

    /** Waits until the VM is Stopped (or Closed); false on timeout. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return lifecycle.awaitStopped(unit.toNanos(timeout));
    }

    /** A device or the miss policy asks the VM to stop; the vCPUs leave the guest, and runVcpu reports it. */
    void requestStop(StopCause cause) {
        if (requestedStop.compareAndSet(null, cause)) {
            lifecycle.kickAll();
        }
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * Runs vCPU {@code vcpuId} on the calling thread until an exit the caller must handle
     * (hypercalls, Halt, CpuUp, CpuDown, SystemDown, FailEntry, SendIpi, ...); device accesses and
     * nested page faults are handled inside. The first call binds the vCPU to the calling thread.
     * While the VM is suspended or rebooting, or the vCPU has not been started, the call waits.
     * Returns {@link ExitReason.Nothing} when the VM is stopping: the caller's loop should end.
     * A request from a device (power-off, debug exit, reset) or from the unhandled-access policy
     * comes back as {@link ExitReason.SystemDown}; {@link #pendingStopCause()} tells which.
     *
     * <p>From the exit this returns until the next call, the calling thread holds the vCPU: a
     * reboot or a pause by another thread waits until it calls {@code runVcpu} again (or
     * {@link #letGo}), so that a reply to the exit (a hypercall's result) reaches the guest that
     * asked. Anything a guest-driven path throws stops the VM with a crash cause carrying it; this
     * method then returns {@code SystemDown(CRASH)}.
     *
     * @throws IllegalStateException when the VM has not been booted
     */
    public ExitReason runVcpu(int vcpuId) {
        VcpuSlot s = slot(vcpuId);
        lifecycle.runnerEnters();
        hal.vcpuThreadBound(id, vcpuId, true);
        try {
            for (;;) {
                AxVCpu<AxArchVCpu> vcpu = lifecycle.awaitTurn(s);
                if (vcpu == null) {
                    return ExitReason.Nothing.INSTANCE;
                }
                ExitReason exit;
                try {
                    prepare(s, vcpu);
                    exit = vcpu.run(s.handler);
                } catch (Throwable t) {
                    LOG.error("VM {} vCPU {}: stopping the VM: {}", id, vcpuId, t.toString(), t);
                    lifecycle.guestStop(vcpuId, StopCause.crash("vCPU " + vcpuId, t));
                    lifecycle.letGo(s);
                    return new ExitReason.SystemDown(ExitReason.SystemDown.Reason.CRASH);
                }
                StopCause requested = requestedStop.get();
                if (requested != null) {
                    return requested.kind() == StopCause.Kind.RESET
                            ? new ExitReason.SystemDown(ExitReason.SystemDown.Reason.RESET)
                            : new ExitReason.SystemDown(requested.kind() == StopCause.Kind.POWER_OFF
                                    || requested.kind() == StopCause.Kind.GUEST_EXIT
                                    ? ExitReason.SystemDown.Reason.POWER_OFF : ExitReason.SystemDown.Reason.CRASH);
                }
                if (!(exit instanceof ExitReason.Nothing)) {
                    return exit;
                }
            }
        } finally {
            hal.vcpuThreadBound(id, vcpuId, false);
            lifecycle.runnerLeaves();
        }
    }

    /**
     * The calling thread lets go of vCPU {@code vcpuId}, which it held since {@link #runVcpu}
     * returned an exit, and will not call {@code runVcpu} for it again (its loop ends). A no-op
     * for a thread that does not hold it.
     */
    public void letGo(int vcpuId) {
        lifecycle.letGo(slot(vcpuId));
    }

    /**
     * Whether the exit {@code runVcpu} last returned for vCPU {@code vcpuId} belongs to the boot
     * that runs now: a reply to it (a hypercall's result) is for the running guest. False once a
     * reboot replaced the vCPU (a handler on this thread rebooted the VM).
     */
    public boolean exitIsCurrent(int vcpuId) {
        return lifecycle.exitIsCurrent(slot(vcpuId));
    }

    /** Guest accesses that no device served so far, over all vCPUs. */
    public long unhandledAccesses() {
        long n = 0;
        for (VcpuSlot s : slots) {
            n += s.handler.unhandledAccesses();
        }
        return n;
    }

    /** What a device or the unhandled-access policy asked for, if anything: the cause behind a SystemDown from runVcpu. */
    public StopCause pendingStopCause() {
        return requestedStop.get();
    }

    /** Binds the slot's vCPU to this thread and applies a pending start, on the vCPU's own thread. */
    private void prepare(VcpuSlot s, AxVCpu<AxArchVCpu> vcpu) {
        GuestPhysAddr entry = lifecycle.takePendingStart(s);
        if (entry != null && vcpu.state() == VCpuState.CREATED) {
            vcpu.setup(entry, addrSpace().pageTableRoot(), parts.setupConfig(parts.bspMode(), s.startArg));
        } else if (entry != null) {
            // Restarted after CpuDown: the architecture vCPU takes a new initial state in place.
            vcpu.arch().setEntry(entry);
            vcpu.arch().setup(parts.setupConfig(parts.bspMode(), s.startArg));
        }
        if (vcpu.state() == VCpuState.FREE) {
            vcpu.bind();
        }
    }

    /**
     * Starts the vCPU whose architectural id is {@code targetArchId} at {@code entry} with
     * {@code arg} (the guest's CpuUp). Returns PSCI's codes: {@link #START_OK},
     * {@link #START_INVALID} for no such vCPU, {@link #START_ALREADY_ON}. An entry the vCPU cannot
     * take is found when its thread applies it: the VM then stops with a crash naming it.
     */
    public int startVcpu(long targetArchId, GuestPhysAddr entry, long arg) {
        return lifecycle.startVcpu(targetArchId, entry, arg);
    }

    /** The guest turned vCPU {@code vcpuId} off (CpuDown): its thread waits until it is started again. */
    public void stopVcpu(int vcpuId) {
        lifecycle.stopVcpu(slot(vcpuId));
    }

    /** Whether vCPU {@code vcpuId} is started. */
    public boolean isStarted(int vcpuId) {
        return lifecycle.isStarted(slot(vcpuId));
    }

    /**
     * After a Halt: waits until an interrupt is delivered to vCPU {@code vcpuId}, the VM stops,
     * pauses or reboots, or {@code timeoutNanos} pass. Returns whether an interrupt (or kick) arrived.
     */
    public boolean awaitInterrupt(int vcpuId, long timeoutNanos) {
        return lifecycle.awaitInterrupt(slot(vcpuId), timeoutNanos);
    }

    // ---- interrupts -------------------------------------------------------------------------

    /** Injects interrupt {@code vector} into vCPU {@code vcpuId}, from any thread, through the HAL. */
    public void injectInterrupt(int vcpuId, int vector) {
        slot(vcpuId);
        hal.injectIrqToVcpu(this, vcpuId, vector);
    }

    /**
     * Delivers {@code vector} to vCPU {@code vcpuId}: queued in the vCPU until the guest can take
     * it, and the vCPU's thread woken if it waits after a Halt. The HAL's default
     * {@code injectIrqToVcpu} calls this. An interrupt for a vCPU that can take none any more (its
     * setup failed, the VM closed it) is dropped: never an exception for a racing host thread.
     */
    public void deliverInterrupt(int vcpuId, int vector) {
        VcpuSlot s = slot(vcpuId);
        AxVCpu<AxArchVCpu> vcpu = s.vcpu;
        if (vcpu.state() != VCpuState.INVALID) {
            try {
                vcpu.injectInterrupt(vector);
            } catch (VCpuStateException e) {
                // It became Invalid since the check (its setup failed, or a reboot closed it): the VM
                // is stopping or has a new vCPU, and an interrupt for the old one has nowhere to go.
                LOG.debug("VM {}: interrupt {} for vCPU {} dropped: {}", id, vector, vcpuId, e.getMessage());
            }
        }
        lifecycle.wake(s);
    }

    /** Drives interrupt line {@code line} as a device would (through the in-kernel interrupt controller). */
    public void setIrqLine(int line, boolean level) {
        parts.interrupts().setLine(line, level);
    }

    /** Wakes a vCPU waiting after a Halt without an interrupt (AxVisor's notify). */
    public void notifyVcpu(int vcpuId) {
        lifecycle.wake(slot(vcpuId));
    }

    // ---- teardown ---------------------------------------------------------------------------

    /**
     * Stops the VM if it runs, waits up to 10 s for a reboot under way and for its vCPU threads to
     * leave, and releases every fd, mapping and frame: the hypervisor's VM and vCPUs, guest RAM
     * (back to the HAL), the nested page tables, the console's writer thread. A vCPU thread that
     * does not leave in time releases them itself when it does. Every release step runs even when
     * one fails; the failures are thrown once. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.close(StopCause.hostRequest("closed by the host"));
    }

    /** The device-facing side of the VM: power-off, exit status, reset. */
    private final class Control implements VmControl {
        @Override
        public void powerOff() {
            requestStop(StopCause.powerOff("the guest powered off"));
        }

        @Override
        public void exit(int code) {
            requestStop(new StopCause(StopCause.Kind.GUEST_EXIT, code, "the guest exited with status " + code));
        }

        @Override
        public void reset() {
            requestStop(new StopCause(StopCause.Kind.RESET, 1, "the guest asked for a reset"));
        }
    }

    @Override
    public String toString() {
        return "VM " + id + " '" + name() + "' (" + architecture() + ", " + slots.length + " vCPUs, " + status() + ")";
    }

    /** The image load address the config gives for {@code kind}, or -1. */
    public long loadAddress(ImageKind kind) {
        return parts.images().loadAddr(kind).orElse(-1);
    }
}
