package dev.axvm.bench.exit;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.vcpu.DeviceAccessHandler;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.x86.X86EntryState;
import dev.axvm.vcpu.x86.X86VCpu;
import dev.axvm.vcpu.x86.X86Vm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A real-mode x86 guest that exits on every loop iteration (pio-loop or mmio-loop from
 * native/guests), set up exactly as the C baseline native/bench/exit-loop.c sets up its own: 640 KiB
 * of RAM at 0, the guest at 0x8000, CS:IP = 0:0x8000.
 */
final class LoopGuest implements AutoCloseable {
    static final int RAM_SIZE = 640 * 1024;
    static final long LOAD_ADDRESS = 0x8000;

    final Arena arena = Arena.ofShared();
    final X86Vm vm = X86Vm.create(new ArchVmConfig(1, 1, false));
    final X86VCpu vcpu;
    final CountingDevices devices;

    LoopGuest(String guest) {
        MemorySegment ram = arena.allocate(RAM_SIZE, 4096);
        byte[] image = image(guest);
        MemorySegment.copy(MemorySegment.ofArray(image), 0, ram, LOAD_ADDRESS, image.length);
        vm.mapRam(0, ram, MappingFlags.RWX);
        vcpu = vm.createVcpu(new VCpuCreateConfig(1, 0, 0));
        vcpu.setEntry(GuestPhysAddr.of(LOAD_ADDRESS));
        vcpu.setBootState(X86EntryState.realMode(vcpu.specialRegisters(), LOAD_ADDRESS), 0);
        vcpu.bind();
        devices = new CountingDevices(vcpu);
    }

    /** The guest {@code name} from the native guests jar. */
    static byte[] image(String name) {
        try (InputStream in = LoopGuest.class.getResourceAsStream("/guests/x86_64/" + name + ".bin")) {
            if (in == null) {
                throw new IllegalStateException("guest " + name + " is not on the class path (native guests jar)");
            }
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

    /**
     * A device handler that sums what the guest writes and, after a set number of accesses, asks
     * the vCPU to return — the same "handle and resume" work the C baseline does per exit.
     */
    static final class CountingDevices implements DeviceAccessHandler {
        private final X86VCpu vcpu;
        int remaining;
        long sum;

        CountingDevices(X86VCpu vcpu) {
            this.vcpu = vcpu;
        }

        private void count(long value) {
            sum += value;
            if (--remaining == 0) {
                vcpu.kick();
            }
        }

        @Override
        public long mmioRead(long addr, AccessWidth width) {
            count(0);
            return 0;
        }

        @Override
        public void mmioWrite(long addr, AccessWidth width, long value) {
            count(value);
        }

        @Override
        public long ioRead(int port, AccessWidth width) {
            count(0);
            return 0;
        }

        @Override
        public void ioWrite(int port, AccessWidth width, long value) {
            count(value);
        }

        @Override
        public long sysRegRead(long addr) {
            return 0;
        }

        @Override
        public void sysRegWrite(long addr, long value) {
            count(value);
        }

        @Override
        public boolean nestedPageFault(long addr, MappingFlags access) {
            return false;
        }
    }
}
