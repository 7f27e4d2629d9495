package dev.axvm.vcpu.spi;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.VCpuCreateConfig;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The hardware side of one VM: its memory as the hypervisor sees it, its vCPUs and its interrupt
 * controller. The VM core derives every memory mapping from its address space and hands it here.
 * Closing it closes every vCPU created from it.
 */
public interface ArchVm extends AutoCloseable {
    /**
     * Makes {@code host} the guest's RAM at {@code gpa} (a KVM memory slot). Without
     * {@link MappingFlags#WRITE_BIT} the region is read-only and guest writes exit as MMIO.
     * {@code host} must stay allocated until {@link #unmapRam} or {@link #close()}.
     */
    void mapRam(long gpa, MemorySegment host, MappingFlags flags);

    /** Removes the RAM mapped at exactly {@code gpa}. */
    void unmapRam(long gpa);

    /**
     * Turns dirty-page logging on or off for the RAM mapped at exactly {@code gpa}: the
     * hypervisor notes every page the guest writes, for {@link #dirtyPages}. Writes the host
     * makes itself (device emulation) are not noted; the VM tracks those.
     *
     * @throws UnsupportedOperationException where the hypervisor cannot log (the message says why)
     */
    default void logDirtyPages(long gpa, boolean on) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot log dirty pages");
    }

    /**
     * The pages of the RAM mapped at {@code gpa} the guest wrote since logging began or since
     * the last call, which clears the log: bit {@code i % 64} of word {@code i / 64} is the
     * region's page {@code i} (4 KiB pages). It may hold more: KVM maps a page writable when the
     * guest first touches it after logging began (or after the last read) and logs it then, read
     * or written. A snapshot that copies the pages logged misses nothing.
     *
     * @throws IllegalStateException when logging is off for that RAM
     * @throws UnsupportedOperationException where the hypervisor cannot log
     */
    default long[] dirtyPages(long gpa) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot log dirty pages");
    }

    /**
     * The architectural id the guest sees for vCPU {@code vcpuId} (x86 APIC id, Arm MPIDR, RISC-V
     * hart id): what {@link dev.axvm.vcpu.VCpuCreateConfig#archId()} should be, and what a guest's
     * CpuUp names.
     */
    default long archIdOf(int vcpuId) {
        return vcpuId;
    }

    /** Creates a vCPU. */
    AxArchVCpu createVcpu(VCpuCreateConfig config);

    /**
     * Drives interrupt line {@code line} of the in-kernel interrupt controller.
     *
     * @throws UnsupportedOperationException when the VM was created without one
     */
    void setIrqLine(int line, boolean high);

    /**
     * Whether {@link #setIrqLine} is available. Lines are numbered as a config's {@code irq_id}:
     * x86 IOAPIC inputs (GSIs), Arm GIC INTIDs (SPIs from 32), RISC-V PLIC sources.
     */
    boolean hasInKernelIrqchip();

    /**
     * Whether the hypervisor itself starts secondary vCPUs when the guest asks (KVM's in-kernel
     * PSCI CPU_ON, SBI HSM hart_start), so that no {@code CpuUp} reaches the VM: then the VM sets up
     * every vCPU and runs every vCPU's thread from boot, and a secondary's run waits inside the
     * hypervisor until the guest starts it. False when start requests come to the VM as
     * {@code CpuUp} exits.
     */
    default boolean startsSecondaryVcpus() {
        return false;
    }

    /**
     * Guest-physical ranges the backend itself occupies (interrupt-controller registers and the
     * like), by name; RAM and devices must stay clear of them.
     */
    Map<String, GuestPhysAddrRange> reservedRanges();

    /**
     * A doorbell for guest writes of {@code length} bytes at {@code gpa} (a virtio QueueNotify
     * register), or empty when this hypervisor cannot make one: the write then exits to the VM's
     * device dispatch as any MMIO write does. The default has none.
     */
    default java.util.Optional<Doorbell> doorbell(long gpa, int length) {
        return java.util.Optional.empty();
    }

    /**
     * The facts the VM's platform description needs from the hypervisor (see {@link PlatformFacts});
     * the vCPUs exist by the time the VM asks.
     */
    default PlatformFacts platformFacts() {
        return new PlatformFacts.None();
    }

    /**
     * The VM-wide state the hypervisor holds outside the vCPUs and guest memory (in-kernel
     * interrupt controllers and timers, the guest clock), in the backend's own versioned encoding,
     * for a snapshot. Call it with every vCPU paused.
     *
     * @throws UnsupportedOperationException where the backend cannot save it (the message says why)
     */
    default byte[] saveState() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save a VM's state yet");
    }

    /**
     * Puts the VM into a state {@link #saveState} gave on a VM of the same configuration, after
     * its vCPUs are created and before any runs. The bytes come from a file: checked as
     * {@link dev.axvm.vcpu.AxArchVCpu#restoreState} checks a vCPU's.
     *
     * @throws IllegalArgumentException naming the part and the byte offset when the state is
     *     malformed or the hypervisor refuses it
     * @throws UnsupportedOperationException where the backend cannot restore it
     */
    default void restoreState(byte[] state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore a VM's state yet");
    }

    /** Releases every host resource of the VM. */
    @Override
    void close();
}
