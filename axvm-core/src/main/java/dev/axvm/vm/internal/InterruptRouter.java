package dev.axvm.vm.internal;

import dev.axvm.device.InterruptSink;
import dev.axvm.vcpu.spi.ArchVm;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where device interrupt lines go: the hypervisor's in-kernel interrupt controller when the VM has
 * one (x86 IOAPIC, Arm vGIC, RISC-V AIA), otherwise nowhere — a VM configured with
 * {@code interrupt_mode = "no_irq"} has no interrupt controller, and its devices are polled. Each
 * dropped line is logged once.
 */
public final class InterruptRouter implements InterruptSink {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptRouter.class);

    private volatile ArchVm archVm;
    private final int vmId;
    private final BitSet reportedDropped = new BitSet();

    public InterruptRouter(int vmId, ArchVm archVm) {
        this.vmId = vmId;
        this.archVm = archVm;
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
        synchronized (reportedDropped) {
            if (line >= 0 && !reportedDropped.get(line)) {
                reportedDropped.set(line);
                LOG.info("VM {}: interrupt line {} changes are dropped: the VM has no interrupt controller "
                        + "(interrupt_mode = \"no_irq\")", vmId, line);
            }
        }
    }
}
