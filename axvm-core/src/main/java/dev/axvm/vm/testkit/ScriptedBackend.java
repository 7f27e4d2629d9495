package dev.axvm.vm.testkit;

import dev.axvm.vcpu.AxArchPerCpu;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.spi.PlatformFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * An architecture backend whose vCPUs replay scripts instead of running guest code. Hand it to
 * {@link dev.axvm.vm.AxVMBuilder#backend}. Each vCPU a VM creates asks {@code scripts} for its
 * script (by creation count and vCPU id, so a reboot can get a new one).
 */
public final class ScriptedBackend implements ArchBackend {
    private final String architecture;
    private final BiFunction<Integer, Integer, List<ExitReason>> scripts;
    private final List<ScriptedArchVm> vms = new ArrayList<>();
    private boolean offersIrqchip = true;
    private FaultPlan faults = FaultPlan.counting();
    private long rejectedEntry = -1;
    private PlatformFacts facts = new PlatformFacts.None();
    private boolean doorbells;

    /**
     * @param architecture the architecture it claims (the config's)
     * @param scripts (hardware VM number, vCPU id) → the exits that vCPU replays; the first VM is number 0
     */
    public ScriptedBackend(String architecture, BiFunction<Integer, Integer, List<ExitReason>> scripts) {
        this.architecture = architecture;
        this.scripts = scripts;
    }

    /**
     * Makes every hypervisor call of its VMs and vCPUs (create, map, set up, bind, ...) a call of
     * {@code plan}, which fails the one it is set to, as a failing ioctl would.
     */
    public ScriptedBackend withFaults(FaultPlan plan) {
        this.faults = plan;
        return this;
    }

    /**
     * Makes its vCPUs refuse {@code gpa} as an entry, as a real backend refuses one its mode
     * cannot reach (x86 real mode above 1 MiB): {@code setEntry} throws IllegalArgumentException.
     */
    public ScriptedBackend rejectingEntry(long gpa) {
        this.rejectedEntry = gpa;
        return this;
    }

    /**
     * Makes its VMs report {@code facts} for the device tree, as a real backend reports what KVM
     * says (the vGIC's place is reported only while the VM has its in-kernel irqchip).
     */
    public ScriptedBackend withPlatformFacts(PlatformFacts facts) {
        this.facts = Objects.requireNonNull(facts, "facts");
        return this;
    }

    /** Makes its VMs offer doorbells ({@link ScriptedDoorbell}), as KVM's ioeventfd; without, they offer none. */
    public ScriptedBackend withDoorbells() {
        doorbells = true;
        return this;
    }

    /** Makes its VMs lack an in-kernel interrupt controller even when asked for one (a RISC-V host without AIA). */
    public ScriptedBackend withoutInKernelIrqchip() {
        offersIrqchip = false;
        return this;
    }

    @Override
    public String architecture() {
        return architecture;
    }

    @Override
    public boolean runsOnThisHost() {
        return true;
    }

    @Override
    public AxArchPerCpu perCpu(int cpuId) {
        throw new UnsupportedOperationException("a scripted backend has no per-CPU hardware state");
    }

    @Override
    public synchronized ScriptedArchVm createVm(ArchVmConfig config) {
        faults.call("createVm");
        int number = vms.size();
        ScriptedArchVm vm = new ScriptedArchVm(config, offersIrqchip && config.inKernelIrqchip(),
                vcpuId -> scripts.apply(number, vcpuId), faults, rejectedEntry, facts, doorbells);
        vms.add(vm);
        return vm;
    }

    /** Every hardware VM created so far (a reboot creates a new one). */
    public synchronized List<ScriptedArchVm> vms() {
        return List.copyOf(vms);
    }
}
