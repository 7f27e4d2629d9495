package dev.axvm.vcpu.arm;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.SegmentGuestMemory;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.internal.Platform;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuSetupConfig;
import dev.axvm.vcpu.spi.ArchVmConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * An aarch64 VM with 16 MiB of RAM at {@link ArmPlatform#RAM_BASE}, one assembled guest from
 * native/guests/aarch64 at its link address, and {@code vcpuCount} vCPUs (all set up, vCPU 0
 * bound to the calling thread). Addresses mirror native/guests/aarch64/conventions.h.
 */
final class ArmTestGuests implements AutoCloseable {
    static final long TEST_MMIO = 0x0c00_0000L;
    static final long REPORT = 0x0c00_1000L;
    static final long RAM_SIZE = 16 << 20;
    /** What the tests pass as the boot argument: where a DTB would be. */
    static final long DTB = ArmPlatform.RAM_BASE + 0x80_0000L;

    final Arena arena = Arena.ofShared();
    final ArmVm vm;
    final List<ArmVCpu> vcpus = new ArrayList<>();
    final ArmVCpu vcpu;
    final SegmentGuestMemory ram;

    static void requireKvm() {
        assumeTrue(Platform.arch().equals("aarch64"), "aarch64 guests; this host is " + Platform.id());
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
    }

    ArmTestGuests(String guest) {
        this(guest, 1, false, DTB);
    }

    ArmTestGuests(String guest, int vcpuCount, boolean irqchip, long bootArgument) {
        this(guest, vcpuCount, irqchip, bootArgument, null, null, null);
    }

    /**
     * A one-vCPU VM with a vGIC that continues where a saved one stopped: {@code memory} is its
     * whole RAM, and the VM's and the vCPU's saved states are restored before it is bound to the
     * calling thread.
     */
    static ArmTestGuests restored(byte[] memory, byte[] vmState, byte[] vcpuState) {
        return new ArmTestGuests(null, 1, true, DTB, memory, vmState, vcpuState);
    }

    private ArmTestGuests(String guest, int vcpuCount, boolean irqchip, long bootArgument, byte[] memory, byte[] vmState,
            byte[] vcpuState) {
        vm = ArmVm.create(new ArchVmConfig(1, vcpuCount, irqchip));
        try {
            MemorySegment mem = arena.allocate(RAM_SIZE, 1 << 21);
            ram = new SegmentGuestMemory(ArmPlatform.RAM_BASE, mem);
            byte[] image = memory != null ? memory : image(guest);
            ram.write(memory != null ? ArmPlatform.RAM_BASE : ArmPlatform.KERNEL_LOAD, image, 0, image.length);
            vm.mapRam(ArmPlatform.RAM_BASE, mem, MappingFlags.RWX);
            for (int i = 0; i < vcpuCount; i++) {
                ArmVCpu v = vm.createVcpu(new VCpuCreateConfig(1, i, ArmPlatform.mpidrOf(i)));
                v.setEntry(GuestPhysAddr.of(ArmPlatform.KERNEL_LOAD));
                v.setNestedRoot(HostPhysAddr.of(0));
                v.setup(new VCpuSetupConfig(EntryMode.DEFAULT, bootArgument, ram, 0));
                vcpus.add(v);
            }
            if (memory != null) {
                vm.restoreState(vmState);
                vcpus.get(0).restoreState(vcpuState);
            }
            vcpu = vcpus.get(0);
            vcpu.bind();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static byte[] image(String name) {
        try (InputStream in = ArmTestGuests.class.getResourceAsStream("/guests/aarch64/" + name + ".bin")) {
            assertNotNull(in, "guest " + name + " was not assembled (is gcc-aarch64-linux-gnu installed?)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole RAM, as a snapshot would write it. */
    byte[] memory() {
        byte[] out = new byte[(int) RAM_SIZE];
        ram.read(ArmPlatform.RAM_BASE, out, 0, out.length);
        return out;
    }

    @Override
    public void close() {
        vm.close();
        arena.close();
    }
}
