package dev.axvm.vcpu.x86;

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

/**
 * A one-vCPU x86 VM with 16 MiB of RAM at GPA 0 and one assembled guest from native/guests/x86_64
 * at its link address. Ports and addresses mirror native/guests/x86_64/conventions.h.
 */
final class X86TestGuests implements AutoCloseable {
    static final int COM1 = 0x3f8;
    static final int REPORT_PORT = 0x500;
    static final int INPUT_PORT = 0x600;
    static final long MMIO_BASE = 0xd000_0000L;
    static final long LOAD_ADDRESS = 0x8000;
    static final long RAM_SIZE = 16 << 20;

    final Arena arena = Arena.ofShared();
    final X86Vm vm;
    final X86VCpu vcpu;
    final SegmentGuestMemory ram;

    static void requireKvm() {
        assumeTrue(Platform.arch().equals("x86_64"), "x86_64 guests; this host is " + Platform.id());
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
    }

    X86TestGuests(String guest, EntryMode mode) {
        this(guest, mode, false);
    }

    X86TestGuests(String guest, EntryMode mode, boolean irqchip) {
        this(irqchip, guest, mode, null, null, null);
    }

    /**
     * A VM that continues where a saved one stopped: {@code memory} is its whole RAM, and the VM's
     * and the vCPU's saved states are restored before the vCPU is bound to the calling thread.
     */
    static X86TestGuests restored(boolean irqchip, byte[] memory, byte[] vmState, byte[] vcpuState) {
        return new X86TestGuests(irqchip, null, null, memory, vmState, vcpuState);
    }

    private X86TestGuests(boolean irqchip, String guest, EntryMode mode, byte[] memory, byte[] vmState, byte[] vcpuState) {
        vm = X86Vm.create(new ArchVmConfig(1, 1, irqchip));
        try {
            MemorySegment mem = arena.allocate(RAM_SIZE, 1 << 21);
            ram = new SegmentGuestMemory(0, mem);
            byte[] image = memory != null ? memory : image(guest);
            ram.write(memory != null ? 0 : LOAD_ADDRESS, image, 0, image.length);
            vm.mapRam(0, mem, MappingFlags.RWX);
            vcpu = vm.createVcpu(new VCpuCreateConfig(1, 0, 0));
            vcpu.setEntry(GuestPhysAddr.of(LOAD_ADDRESS));
            vcpu.setNestedRoot(HostPhysAddr.of(0));
            if (memory == null) {
                vcpu.setup(new VCpuSetupConfig(mode, 0, ram, 0));
            } else {
                vm.restoreState(vmState);
                vcpu.restoreState(vcpuState);
            }
            vcpu.bind();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The whole RAM, as a snapshot would write it. */
    byte[] memory() {
        byte[] out = new byte[(int) RAM_SIZE];
        ram.read(0, out, 0, out.length);
        return out;
    }

    static byte[] image(String name) {
        try (InputStream in = X86TestGuests.class.getResourceAsStream("/guests/x86_64/" + name + ".bin")) {
            assertNotNull(in, "guest " + name + " was not assembled");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        vm.close();
        arena.close();
    }
}
