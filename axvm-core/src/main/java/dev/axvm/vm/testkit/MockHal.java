package dev.axvm.vm.testkit;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.PagingHandler;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.HostVirtAddr;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.AxVMHal;
import dev.axvm.vm.GuestRamBlock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A HAL for tests: page-table frames and guest RAM blocks from one {@link ArenaPagingHandler}
 * (RAM must be memory the paging handler exposes), a {@link ManualClock}, and every interrupt
 * delivery recorded (then delivered). {@link #liveRamBlocks()} and the paging handler's
 * {@code liveFrames()} show leaks.
 */
public final class MockHal implements AxVMHal<ArenaPagingHandler>, AutoCloseable {
    /**
     * One interrupt delivery.
     *
     * @param vmId the VM
     * @param vcpuId the vCPU
     * @param vector the vector
     */
    public record Delivery(int vmId, int vcpuId, int vector) {}

    private static final long TWO_MIB = 1 << 21;

    private final ArenaPagingHandler frames;
    private final ManualClock clock;
    private final Map<GuestRamBlock, Boolean> ram = new IdentityHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();

    /** 96 MiB of frames for page tables and RAM, a clock following real time. */
    public MockHal() {
        this(96 << 20, new ManualClock(true));
    }

    /** A HAL with a frame pool of {@code bytes} (page tables and RAM) and the given clock. */
    public MockHal(long bytes, ManualClock clock) {
        this.frames = new ArenaPagingHandler(bytes);
        this.clock = clock;
    }

    @Override
    public ArenaPagingHandler pagingHandler() {
        return frames;
    }

    /**
     * Makes every allocation (guest RAM and page-table frames) a call of {@code plan}, which fails
     * the one it is set to. Returns this HAL.
     */
    public MockHal withFaults(FaultPlan plan) {
        frames.beforeEachAllocation(() -> plan.call("allocation"));
        return this;
    }

    /** The clock. */
    public ManualClock clock() {
        return clock;
    }

    @Override
    public synchronized GuestRamBlock allocGuestRam(long size) {
        if (size <= 0 || size % PagingHandler.FRAME_SIZE != 0 || size / PagingHandler.FRAME_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mock HAL: guest RAM of " + size + " bytes (expected whole frames)");
        }
        int count = (int) (size / PagingHandler.FRAME_SIZE);
        HostPhysAddr hpa = frames.allocFrames(count, size >= TWO_MIB ? (int) (TWO_MIB / PagingHandler.FRAME_SIZE) : 1);
        GuestRamBlock block = new GuestRamBlock(hpa, frames.physToSegment(hpa, size));
        ram.put(block, Boolean.TRUE);
        return block;
    }

    @Override
    public synchronized void freeGuestRam(GuestRamBlock block) {
        if (ram.remove(block) == null) {
            throw new IllegalArgumentException("mock HAL: " + block + " was not allocated here or was freed twice");
        }
        frames.freeFrames(block.hpa(), (int) (block.size() / PagingHandler.FRAME_SIZE));
    }

    /** Guest RAM blocks not yet freed. */
    public synchronized int liveRamBlocks() {
        return ram.size();
    }

    @Override
    public HostPhysAddr virtToPhys(HostVirtAddr vaddr) {
        return HostPhysAddr.of(vaddr.value());
    }

    @Override
    public HostVirtAddr physToVirt(HostPhysAddr paddr) {
        return HostVirtAddr.of(paddr.value());
    }

    @Override
    public long monotonicNanos() {
        return clock.nanos();
    }

    @Override
    public int currentVmId() {
        return -1;
    }

    @Override
    public int currentVcpuId() {
        return -1;
    }

    @Override
    public int currentHostCpu() {
        return -1;
    }

    @Override
    public int vcpuResidesOn(int vmId, int vcpuId) {
        return -1;
    }

    @Override
    public void injectIrqToVcpu(AxVM<?, ?> vm, int vcpuId, int vector) {
        synchronized (this) {
            deliveries.add(new Delivery(vm.id(), vcpuId, vector));
        }
        vm.deliverInterrupt(vcpuId, vector);
    }

    /** Every delivery so far, in order. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Releases the frame pool and any RAM still allocated. */
    @Override
    public synchronized void close() {
        ram.clear();
        frames.close();
    }
}
