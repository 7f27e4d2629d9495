package dev.axvm.bench.exit;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.device.BaseDeviceOps;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.PortDevice;
import dev.axvm.vm.AxVM;

/**
 * A real-mode x86 guest in a whole VM: the path a VM's exits really take —
 * {@code AxVM.runVcpu} → the vCPU's device handler → the VM's device table → a device. The guest
 * (pio-batch or mmio-batch from native/guests) makes {@value #BATCH} device accesses, then an
 * AxVM hypercall, which runVcpu returns: one invocation, one batch. The C baseline does the same
 * device work (find the owner among sorted ranges, call it) in native/bench/exit-loop.c.
 */
final class VmLoopGuest implements AutoCloseable {
    /** Accesses per batch: BATCH in pio-batch.S and mmio-batch.S. */
    static final int BATCH = 1000;

    final LinuxHostHal hal = new LinuxHostHal(64L << 20);
    final AxVM<LinuxHostHal, ?> vm;
    final CountingDevice device;

    VmLoopGuest(String guest, boolean pio) {
        device = pio ? new CountingPort() : new CountingMmio();
        AxVMConfig config = AxVMConfig.builder().name(guest).id(2).cpuNum(1).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel(guest, 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 640 * 1024, 0x7, MapType.MAP_ALLOC).build();
        vm = AxVM.builder(config, hal).image(guest, LoopGuest.image(guest)).device((BaseDeviceOps<?>) device).build();
        vm.boot();
    }

    @Override
    public void close() {
        vm.close();
        hal.close();
    }

    /** Sums what the guest writes: the "handling" both sides do per access. Subclasses say where. */
    abstract static class CountingDevice {
        long sum;

        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            return 0;
        }

        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
            sum += value + (addr & 1);
        }
    }

    /** Port 0x80, the POST-code port the pio guest writes. */
    static final class CountingPort extends CountingDevice implements PortDevice {
        @Override
        public PortRange addressRange() {
            return new PortRange(0x80, 1);
        }
    }

    /** 16 bytes at 0xd0000, where the mmio guest stores. */
    static final class CountingMmio extends CountingDevice implements MmioDevice {
        @Override
        public GuestPhysAddrRange addressRange() {
            return new GuestPhysAddrRange(0xd0000, 16);
        }
    }
}
