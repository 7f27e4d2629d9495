package dev.axvm.device;

/**
 * Where interrupt lines end: the VM implements it over its interrupt controller (on x86 the KVM
 * in-kernel irqchip through {@code KVM_IRQ_LINE}; the other architectures' equivalents land with
 * their backends). {@link RecordingInterruptSink} is the test double.
 *
 * <p>Called from vCPU threads and from host threads (a UART receiving console input raises its
 * line on the console thread), so implementations must be thread-safe. They must not block on the
 * guest and should not throw: a device calls this in the middle of a register access.
 */
public interface InterruptSink {
    /**
     * Drives interrupt line {@code line} to {@code level} (true = asserted). {@link InterruptLine}
     * calls this only on a change for level-triggered lines, and as a high-then-low pair for an
     * edge.
     *
     * @param line the line's number as the config gives it ({@code irq_id}); its meaning (GSI, GIC
     *     INTID, PLIC source) is the architecture's
     * @param level the new level
     */
    void setLine(int line, boolean level);
}
