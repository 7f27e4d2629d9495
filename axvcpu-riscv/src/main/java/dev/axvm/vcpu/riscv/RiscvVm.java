package dev.axvm.vcpu.riscv;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmCapability;
import dev.axvm.kvm.KvmDoorbell;
import dev.axvm.kvm.KvmVcpu;
import dev.axvm.kvm.KvmVm;
import dev.axvm.kvm.internal.Shim;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.riscv.internal.RiscvShim;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.spi.Doorbell;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import dev.axvm.vcpu.spi.Teardown;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A riscv64 VM on KVM: memory slots, vCPUs (hart id = vCPU index) and the SBI debug console they
 * share. Closing it closes its vCPUs, the VM and the KVM handle it opened.
 *
 * <h2>Interrupts</h2>
 * Without KVM's AIA (the development host's QEMU offers no Ssaia, so KVM has no AIA device), the
 * PLIC is a user-space device: it raises and clears each hart's S-mode external interrupt with
 * {@link RiscvVCpu#setExternalInterrupt(boolean)} (KVM_INTERRUPT, callable from any thread).
 * {@link #setIrqLine} and an in-kernel irqchip are then unavailable: {@link #hasInKernelIrqchip()}
 * is false even when the config asked for one, and {@link #irqchipReport()} says why.
 *
 * <h2>Secondary harts and SBI HSM</h2>
 * KVM serves HSM itself (no Linux version forwards it): every vCPU but 0 starts stopped, and the
 * guest's hart_start makes KVM start it at the requested address with a0 = hart id and a1 = the
 * opaque value. The VM therefore creates every vCPU up front and runs each on its own thread from
 * boot; a stopped hart's {@link RiscvVCpu#run} waits inside KVM until it is started. No
 * {@code CpuUp}/{@code CpuDown} is reported; {@link RiscvVCpu#started()} tells the state.
 * SRST shutdown and reboot arrive as {@code SystemDown}; KVM then stops every hart, so the VM
 * kicks the others out of {@code run}.
 */
public final class RiscvVm implements ArchVm {
    private static final int STATE_VERSION = 1;

    private final int vmId;
    private final int vcpuCount;
    private final Kvm kvm;
    private final KvmVm vm;
    private final boolean aiaOffered;
    private final boolean irqchipAsked;
    private final List<RiscvVCpu> vcpus = new ArrayList<>();
    private volatile SbiDebugConsole console;
    private boolean closed;

    private RiscvVm(int vmId, int vcpuCount, Kvm kvm, KvmVm vm, boolean aiaOffered, boolean irqchipAsked) {
        this.vmId = vmId;
        this.vcpuCount = vcpuCount;
        this.kvm = kvm;
        this.vm = vm;
        this.aiaOffered = aiaOffered;
        this.irqchipAsked = irqchipAsked;
    }

    /**
     * Creates a VM on {@link Kvm#DEFAULT_DEVICE}.
     *
     * @throws HardwareUnsupportedException when KVM lacks what riscv64 guests need
     */
    public static RiscvVm create(ArchVmConfig config) {
        config.requireNoParavirtOff("riscv64");
        Kvm kvm = Kvm.open();
        KvmVm vm = null;
        try {
            for (KvmCapability cap : RiscvPerCpu.REQUIRED) {
                if (!kvm.has(cap)) {
                    throw new HardwareUnsupportedException("KVM on this host lacks " + cap + ", which riscv64 guests need", null);
                }
            }
            vm = kvm.createVm();
            int max = vm.checkExtension(KvmCapability.MAX_VCPUS);
            if (config.vcpuCount() > max) {
                throw new HardwareUnsupportedException("VM " + config.vmId() + ": KVM allows " + max + " vCPUs, the config asks for "
                        + config.vcpuCount(), null);
            }
            boolean aia = Shim.check(RiscvShim.aiaAvailable(vm.fd()), "KVM_CREATE_DEVICE(AIA, test)") == 1;
            return new RiscvVm(config.vmId(), config.vcpuCount(), kvm, vm, aia, config.inKernelIrqchip());
        } catch (RuntimeException e) {
            if (vm != null) {
                vm.close();
            }
            kvm.close();
            throw e;
        }
    }

    /** The VM's id. */
    public int vmId() {
        return vmId;
    }

    /** Whether this host's KVM could create its in-kernel AIA (APLIC + IMSIC) device. */
    public boolean aiaOffered() {
        return aiaOffered;
    }

    /** A one-line report of the interrupt path this VM uses and why. */
    public String irqchipReport() {
        String path = "user-space PLIC: the VMM raises each hart's S-mode external interrupt with KVM_INTERRUPT";
        if (!aiaOffered) {
            return path + " (KVM offers no AIA device here: the host CPU lacks Ssaia"
                    + (irqchipAsked ? "; the in-kernel irqchip the config asked for is unavailable)" : ")");
        }
        return path + " (KVM offers AIA, but AxVM does not set the AIA device up yet: it could not be tested on a host with"
                + " Ssaia" + (irqchipAsked ? "; the config's in-kernel irqchip falls back to this path)" : ")");
    }

    KvmVm kvmVm() {
        return vm;
    }

    /**
     * Sends every vCPU's SBI debug console (DBCN) to {@code console}; null sends it back to the
     * platform UART through the VM's device handler. Applies to existing and future vCPUs.
     */
    public synchronized void setDebugConsole(SbiDebugConsole console) {
        this.console = console;
        for (RiscvVCpu v : vcpus) {
            v.setDebugConsole(console);
        }
    }

    @Override
    public void mapRam(long gpa, MemorySegment host, MappingFlags flags) {
        vm.mapMemory(gpa, host, !flags.has(MappingFlags.WRITE_BIT));
    }

    @Override
    public void unmapRam(long gpa) {
        vm.unmapMemory(gpa);
    }

    /** KVM_MEM_LOG_DIRTY_PAGES on the RAM's memory slot. */
    @Override
    public void logDirtyPages(long gpa, boolean on) {
        vm.logDirtyPages(gpa, on);
    }

    /** KVM_GET_DIRTY_LOG of the RAM's memory slot. */
    @Override
    public long[] dirtyPages(long gpa) {
        return vm.dirtyPages(gpa);
    }

    /**
     * Creates vCPU {@code config.vcpuId()}; its hart id must be the same number, because KVM's
     * SBI HSM names harts by vCPU id.
     *
     * @throws IllegalArgumentException for an index outside the VM or another hart id
     */
    @Override
    public synchronized RiscvVCpu createVcpu(VCpuCreateConfig config) {
        if (closed) {
            throw new IllegalStateException("VM " + vmId + " is closed");
        }
        int index = config.vcpuId();
        if (index >= vcpuCount) {
            throw new IllegalArgumentException("VM " + vmId + ": vCPU " + index + " is outside the " + vcpuCount
                    + " vCPUs it was created for");
        }
        if (config.archId() != index) {
            throw new IllegalArgumentException("VM " + vmId + ": hart id " + config.archId() + " for vCPU " + index
                    + "; KVM's SBI HSM names harts by vCPU index, so the hart id must be " + index);
        }
        KvmVcpu kvmVcpu = vm.createVcpu(index);
        RiscvVCpu vcpu;
        try {
            vcpu = new RiscvVCpu(kvmVcpu, config);
        } catch (RuntimeException e) {
            kvmVcpu.close();
            throw e;
        }
        vcpu.setDebugConsole(console);
        vcpus.add(vcpu);
        return vcpu;
    }

    /**
     * Always unsupported here: lines of an in-kernel irqchip need KVM's AIA, which AxVM does not set
     * up; a user-space PLIC drives {@link RiscvVCpu#setExternalInterrupt(boolean)} instead.
     *
     * @throws UnsupportedOperationException always, with {@link #irqchipReport()}
     */
    /** KVM's ioeventfd; throws {@code KvmException} when the kernel refuses one (the VM then takes the exit). */
    @Override
    public Optional<Doorbell> doorbell(long gpa, int length) {
        KvmDoorbell d = KvmDoorbell.open(vm, gpa, length);
        return Optional.of(Doorbell.of(d::await, d::stop, d::close));
    }

    @Override
    public void setIrqLine(int line, boolean high) {
        throw new UnsupportedOperationException("VM " + vmId + " has no in-kernel irqchip for line " + line + ": "
                + irqchipReport());
    }

    /** KVM serves SBI HSM itself: it starts and stops secondary harts, no CpuUp reaches the VM. */
    @Override
    public boolean startsSecondaryVcpus() {
        return true;
    }

    @Override
    public boolean hasInKernelIrqchip() {
        return false;
    }

    /**
     * Encoding 1: the version byte alone. Without AIA nothing VM-wide lives in the kernel: each
     * hart's timer (and so the guest's time) is in its own registers, the PLIC in user space.
     */
    @Override
    public byte[] saveState() {
        return new StateWriter(STATE_VERSION).toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        new StateReader("riscv64 VM " + vmId + " state", state, STATE_VERSION).end();
    }

    /** Nothing: without AIA no interrupt controller lives in the kernel, and SBI replaces the CLINT. */
    @Override
    public Map<String, GuestPhysAddrRange> reservedRanges() {
        return Map.of();
    }

    /** The harts as KVM reports them (from the first vCPU: KVM gives every vCPU of a VM the same). */
    @Override
    public synchronized PlatformFacts platformFacts() {
        if (vcpus.isEmpty()) {
            throw new IllegalStateException("VM " + vmId + " has no vCPU to ask KVM about yet");
        }
        return vcpus.getFirst().platformFacts();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Teardown teardown = new Teardown();
        for (RiscvVCpu v : vcpus) {
            teardown.run(v::close);
        }
        vcpus.clear();
        teardown.run(vm::close);
        teardown.run(kvm::close);
        teardown.finish("closing VM " + vmId);
    }
}
