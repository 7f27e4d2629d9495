package dev.axvm.axvisor.selftest;

import dev.axvm.device.InterruptSink;
import dev.axvm.vm.AxVM;
import java.util.Objects;

/**
 * Interrupt lines of a device added in code ({@code AxVMBuilder.device}) to the VM's interrupt
 * controller: a device is built before its VM, so the VM is attached once built, before it boots.
 * Lines then take the same path as those of a config's devices ({@link AxVM#setIrqLine}).
 */
final class VmInterruptSink implements InterruptSink {
    private volatile AxVM<?, ?> vm;

    /** Connects the lines to {@code vm}; called once, before the VM boots. */
    void attach(AxVM<?, ?> target) {
        if (vm != null) {
            throw new IllegalStateException("already attached to " + vm);
        }
        vm = Objects.requireNonNull(target, "target");
    }

    @Override
    public void setLine(int line, boolean level) {
        AxVM<?, ?> target = vm;
        if (target == null) {
            // Only a guest can drive a line, and no guest runs before attach().
            throw new IllegalStateException("interrupt line " + line + " changed before its VM was attached");
        }
        target.setIrqLine(line, level);
    }
}
