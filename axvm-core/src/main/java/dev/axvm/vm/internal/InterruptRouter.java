package dev.axvm.vm.internal;

import dev.axvm.device.InterruptSink;
import dev.axvm.vcpu.spi.ArchVm;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where device interrupt lines go: the hypervisor's in-kernel interrupt controller when the VM has
 * one (x86 IOAPIC, Arm vGIC, RISC-V AIA), else an interrupt controller the VM emulates in user space
 * (the RISC-V PLIC), else nowhere — a VM configured with {@code interrupt_mode = "no_irq"} has no
 * interrupt controller, and its devices are polled. Each dropped line is logged once.
 *
 * <p>It remembers which lines are high: a reboot rebuilds the hardware VM with every line low
 * while the devices, which survive it, keep theirs, so {@link #retarget} raises them again on the
 * new VM. Between the old VM's close and the new one, changes are only remembered. Any thread.
 */
public final class InterruptRouter implements InterruptSink {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptRouter.class);

    private final int vmId;
    private final BitSet high = new BitSet();
    private final BitSet reportedDropped = new BitSet();
    private ArchVm archVm;
    private InterruptSink userSpaceController;

    public InterruptRouter(int vmId) {
        this.vmId = vmId;
    }

    /** Routes lines to {@code controller} when the hypervisor has no in-kernel one. */
    public synchronized void useUserSpaceController(InterruptSink controller) {
        this.userSpaceController = controller;
    }

    /**
     * Points the router at a (rebuilt) hardware VM, or at none while a reboot rebuilds it ({@code null});
     * lines that are high are raised on the new VM.
     */
    public synchronized void retarget(ArchVm vm) {
        this.archVm = vm;
        if (vm == null) {
            return;
        }
        InterruptSink target = vm.hasInKernelIrqchip() ? vm::setIrqLine : userSpaceController;
        if (target != null) {
            for (int line = high.nextSetBit(0); line >= 0; line = high.nextSetBit(line + 1)) {
                target.setLine(line, true);
            }
        }
    }

    @Override
    public synchronized void setLine(int line, boolean level) {
        if (line >= 0) {
            high.set(line, level);
        }
        ArchVm vm = archVm;
        if (vm == null) {
            return; // a reboot is rebuilding the hardware: retarget raises it on the new VM
        }
        if (vm.hasInKernelIrqchip()) {
            vm.setIrqLine(line, level);
            return;
        }
        if (userSpaceController != null) {
            userSpaceController.setLine(line, level);
            return;
        }
        if (line >= 0 && !reportedDropped.get(line)) {
            reportedDropped.set(line);
            LOG.info("VM {}: interrupt line {} changes are dropped: the VM has no interrupt controller "
                    + "(interrupt_mode = \"no_irq\")", vmId, line);
        }
    }
}
