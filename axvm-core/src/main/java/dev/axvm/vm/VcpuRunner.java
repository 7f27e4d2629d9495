package dev.axvm.vm;

import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.AxVCpu;
import dev.axvm.vcpu.ExitReason;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop one vCPU's host thread runs, handling the exits {@link AxVM#runVcpu} returns the way
 * AxVisor's app does: hypercalls through a {@link HypercallHandler}, CpuUp by starting the target,
 * CpuDown by parking, Halt by waiting for an interrupt, SystemDown by stopping the VM (or rebooting
 * it on a reset, which AxVisor cannot), and any vCPU failure by stopping the VM with the reason.
 * It returns when the VM stops, and always ends the same way: whatever throws on its thread (a
 * hypercall handler, a device, the backend) stops the VM with a crash cause carrying the exception,
 * and an interrupt of its thread stops the VM at the host's request. Run it on a platform thread —
 * KVM_RUN blocks in the kernel.
 */
public final class VcpuRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(VcpuRunner.class);
    private static final long HALT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final AxVM<?, ?> vm;
    private final int vcpuId;
    private final HypercallHandler hypercalls;
    private final boolean rebootOnReset;

    /**
     * @param rebootOnReset whether a guest reset reboots the VM (true) or stops it (false)
     */
    public VcpuRunner(AxVM<?, ?> vm, int vcpuId, HypercallHandler hypercalls, boolean rebootOnReset) {
        this.vm = Objects.requireNonNull(vm, "vm");
        this.vcpuId = vcpuId;
        this.hypercalls = Objects.requireNonNull(hypercalls, "hypercalls");
        this.rebootOnReset = rebootOnReset;
    }

    /** The conventional name of the thread that runs vCPU {@code vcpuId} of VM {@code vmId}. */
    public static String threadName(int vmId, int vcpuId) {
        return "vm" + vmId + "-vcpu" + vcpuId;
    }

    @Override
    public void run() {
        try {
            while (!vm.status().isEnding()) {
                ExitReason exit = vm.runVcpu(vcpuId);
                if (Thread.currentThread().isInterrupted()) {
                    // Whoever interrupts a vCPU thread wants it gone; a VM missing a vCPU thread would hang.
                    vm.stop(StopCause.hostRequest("the thread of vCPU " + vcpuId + " was interrupted"));
                    return;
                }
                if (!handle(exit)) {
                    return;
                }
            }
        } catch (Throwable t) {
            // A handler (hypercalls, the VM's own calls) threw: the guest's VM stops, saying why; the thread ends.
            LOG.error("VM {} vCPU {}: stopping the VM: {}", vm.id(), vcpuId, t.toString(), t);
            vm.stop(StopCause.crash("vCPU " + vcpuId, t));
        } finally {
            vm.letGo(vcpuId);
        }
    }

    /** Handles one exit; false when the loop should end. */
    private boolean handle(ExitReason exit) {
        AxVCpu<AxArchVCpu> vcpu = vm.vcpu(vcpuId);
        switch (exit) {
            case ExitReason.Nothing n -> {
                return true;
            }
            case ExitReason.Hypercall call -> reply(vcpu, hypercalls.handle(vm, vcpuId, call));
            case ExitReason.CpuUp up -> reply(vcpu, vm.startVcpu(up.targetCpu(), up.entryPoint(), up.arg()));
            case ExitReason.CpuDown down -> vm.stopVcpu(vcpuId);
            case ExitReason.Halt halt -> vm.awaitInterrupt(vcpuId, HALT_POLL_NANOS);
            case ExitReason.SystemDown down -> {
                return systemDown(down);
            }
            case ExitReason.FailEntry fail -> {
                vm.stopForGuest(vcpuId, StopCause.crash(String.format(
                        "vCPU %d: the hardware refused to enter the guest (reason 0x%x)", vcpuId, fail.hardwareEntryFailureReason())));
                return false;
            }
            case ExitReason.SendIpi ipi -> sendIpi(ipi);
            case ExitReason.ExternalInterrupt ignored -> {
                return true;
            }
            case ExitReason.MmioRead r -> unexpected(exit);
            case ExitReason.MmioWrite w -> unexpected(exit);
            case ExitReason.IoRead r -> unexpected(exit);
            case ExitReason.IoWrite w -> unexpected(exit);
            case ExitReason.SysRegRead r -> unexpected(exit);
            case ExitReason.SysRegWrite w -> unexpected(exit);
            case ExitReason.NestedPageFault f -> {
                vm.stopForGuest(vcpuId, StopCause.crash(String.format("vCPU %d: nested page fault at %s (%s) outside guest RAM",
                        vcpuId, f.addr(), f.accessFlags())));
                return false;
            }
        }
        return true;
    }

    /** Hands a result to the guest that asked, unless a handler on this thread rebooted the VM meanwhile. */
    private void reply(AxVCpu<AxArchVCpu> vcpu, long value) {
        if (vm.exitIsCurrent(vcpuId)) {
            vcpu.setReturnValue(value);
        }
    }

    private boolean systemDown(ExitReason.SystemDown down) {
        StopCause requested = vm.pendingStopCause();
        if (down.reason() == ExitReason.SystemDown.Reason.RESET && rebootOnReset) {
            Transition t = vm.rebootForGuest(vcpuId);
            return t != Transition.FAILED && t != Transition.REFUSED;
        }
        StopCause cause = requested != null ? requested : switch (down.reason()) {
            case POWER_OFF -> StopCause.powerOff("vCPU " + vcpuId + ": the guest powered off");
            case RESET -> new StopCause(StopCause.Kind.RESET, 1, "vCPU " + vcpuId + ": the guest asked for a reset");
            case CRASH -> StopCause.crash("vCPU " + vcpuId + ": the guest crashed (triple fault or equivalent)");
        };
        vm.stopForGuest(vcpuId, cause);
        // A stale request (from a boot a reboot has replaced) stops nothing: carry on with the new boot.
        return !vm.status().isEnding();
    }

    private void sendIpi(ExitReason.SendIpi ipi) {
        for (int target = 0; target < vm.vcpuCount(); target++) {
            boolean hit = ipi.sendToAll() ? target != vcpuId : ipi.sendToSelf() ? target == vcpuId : target == ipi.targetCpu();
            if (hit) {
                vm.injectInterrupt(target, (int) ipi.vector());
            }
        }
    }

    private void unexpected(ExitReason exit) {
        // runVcpu serves device accesses itself; seeing one here means a backend broke the contract.
        LOG.error("VM {} vCPU {}: device exit {} escaped the device handler", vm.id(), vcpuId, exit);
        vm.stopForGuest(vcpuId, StopCause.crash("vCPU " + vcpuId + ": internal error: unexpected exit " + exit));
    }
}
