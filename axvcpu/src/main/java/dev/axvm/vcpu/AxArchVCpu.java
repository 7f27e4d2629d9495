package dev.axvm.vcpu;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;

/**
 * The architecture contract of one vCPU (AxVisor's {@code AxArchVCpu}), implemented once per
 * architecture. Instances come from an {@link dev.axvm.vcpu.spi.ArchVm}; {@link AxVCpu} wraps one
 * and enforces the state machine, so implementations may assume calls arrive in a legal order.
 *
 * <p>Threading: {@link #run} and everything that touches registers happen on the bound thread;
 * {@link #injectInterrupt} and {@link #kick} may come from any thread.
 */
public interface AxArchVCpu extends AutoCloseable {

    /** Where the vCPU starts executing. */
    void setEntry(GuestPhysAddr entry);

    /**
     * The root of the nested page table. Hardware-virtualization backends on KVM record it: the
     * kernel builds the real nested tables from the memory slots.
     */
    void setNestedRoot(HostPhysAddr root);

    /** Puts the vCPU into its initial architectural state (after entry and root are set). */
    void setup(VCpuSetupConfig config);

    /** Runs the guest until an exit that is not a device access, handling those through {@code handler}. */
    ExitReason run(DeviceAccessHandler handler);

    /** Runs the guest until the next exit of any kind, device accesses included. */
    ExitReason run();

    /** Makes the calling thread the one that runs this vCPU. */
    void bind();

    /** Releases the vCPU from its thread. */
    void unbind();

    /** Sets general-purpose register {@code reg} (architecture numbering: x86 RAX=0.., Arm x0.., RISC-V x0..). */
    void setGpr(int reg, long value);

    /** Reads general-purpose register {@code reg}. */
    long getGpr(int reg);

    /**
     * Injects interrupt {@code vector}; queued until the guest can take it when it is not running
     * or has interrupts masked. Safe from any thread.
     */
    void injectInterrupt(int vector);

    /**
     * Drives the vCPU's level-triggered external interrupt input, for interrupt controllers the
     * VMM emulates in user space (a RISC-V PLIC raising and clearing a hart's S-mode external
     * interrupt). Safe from any thread.
     *
     * @throws UnsupportedOperationException when the architecture has no such input
     */
    default void setExternalInterruptLevel(boolean asserted) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " has no level-triggered external interrupt input; inject vectors or use the in-kernel irqchip");
    }

    /**
     * Where the guest is, in one line, for a message about a VM that stopped unexpectedly (a
     * timeout, a hang): on x86 the instruction pointer, flags and control registers. Empty where an
     * architecture says nothing. Call it only while no thread runs this vCPU.
     */
    default String describeState() {
        return "";
    }

    /**
     * The vCPU's complete architectural state as the hypervisor holds it (registers, floating
     * point, model-specific registers, local interrupt controller, pending events), in the
     * backend's own versioned encoding, for a VM snapshot. Call it only while no thread runs this
     * vCPU; the backend first lets the hypervisor finish the instruction of the last exit.
     *
     * @throws UnsupportedOperationException where the backend cannot save a vCPU's state (the
     *     message says why)
     */
    default byte[] saveState() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save a vCPU's state yet");
    }

    /**
     * Puts the vCPU into a state {@link #saveState} gave on a vCPU of the same configuration.
     * The bytes come from a file: their structure is checked here, their contents by the
     * hypervisor. Call it only while no thread runs this vCPU.
     *
     * @throws IllegalArgumentException naming the part and the byte offset when the state is
     *     malformed or the hypervisor refuses a part of it
     * @throws UnsupportedOperationException where the backend cannot restore a vCPU's state
     */
    default void restoreState(byte[] state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore a vCPU's state yet");
    }

    /** Sets the return value of the hypercall (or SBI/PSCI call) that caused the last exit. */
    void setReturnValue(long value);

    /** Completes the read (MmioRead, IoRead, SysRegRead) that caused the last exit with {@code value}. */
    void completeRead(long value);

    /** Makes a running {@link #run} return soon with {@link ExitReason.Nothing}. Safe from any thread. */
    void kick();

    /** Releases the vCPU's host resources. */
    @Override
    void close();
}
