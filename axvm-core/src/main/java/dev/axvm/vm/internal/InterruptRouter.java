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
 */
public final class InterruptRouter implements InterruptSink {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptRouter.class);

    private volatile ArchVm archVm;
    private volatile InterruptSink userSpaceController;
    private final int vmId;
    private final BitSet reportedDropped = new BitSet();

    public InterruptRouter(int vmId, ArchVm archVm) {
        this.vmId = vmId;
        this.archVm = archVm;
    }

    /** Routes lines to {@code controller} when the hypervisor has no in-kernel one. */
    public void useUserSpaceController(InterruptSink controller) {
        this.userSpaceController = controller;
    }

    /** Points the router at a rebuilt hardware VM (after a reboot). */
    public void retarget(ArchVm vm) {
        this.archVm = vm;
    }

    @Override
    public void setLine(int line, boolean level) {
        ArchVm vm = archVm;
        if (vm.hasInKernelIrqchip()) {
            vm.setIrqLine(line, level);
            return;
        }
        InterruptSink controller = userSpaceController;
        if (controller != null) {
            controller.setLine(line, level);
            return;
        }
        synchronized (reportedDropped) {
            if (line >= 0 && !reportedDropped.get(line)) {
                reportedDropped.set(line);
                LOG.info("VM {}: interrupt line {} changes are dropped: the VM has no interrupt controller "
                        + "(interrupt_mode = \"no_irq\")", vmId, line);
            }
        }
    }
}
