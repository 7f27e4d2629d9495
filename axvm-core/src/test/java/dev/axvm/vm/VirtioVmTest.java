package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.virtio.VirtioBlock;
import dev.axvm.device.virtio.VirtioMmioDevice;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vm.fdt.Dtc;
import dev.axvm.vm.fdt.Fdt;
import dev.axvm.vm.fdt.FdtNode;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedDoorbell;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** virtio devices from a config: built, described in the device tree, reset on reboot, closed with the VM. */
class VirtioVmTest {
    private static final long RAM = 0x4000_0000L;
    private static final PlatformFacts.Arm GIC = new PlatformFacts.Arm(0x0800_0000L, 0x1_0000, 0x080a_0000L, 0x2_0000, 128);
    private static final PlatformFacts.Riscv HART = new PlatformFacts.Riscv("rv64imafdc", "riscv,sv48", 10_000_000);

    @TempDir
    Path dir;

    private AxVMConfig config(String arch) throws IOException {
        Path disk = dir.resolve("disk.img");
        Files.write(disk, new byte[8192]);
        boolean arm = arch.equals("aarch64");
        AxVMConfigBuilder b = AxVMConfig.builder().name("virtio").id(4).cpuNum(1).physCpuIds(0)
                .arch(arm ? GuestArch.AARCH64 : GuestArch.RISCV64).entryPoint(RAM + 0x20_0000)
                .kernel("Image", RAM + 0x20_0000).imageLocation(ImageLocation.MEMORY).cmdline("console=hvc0")
                .interruptMode(InterruptMode.EMULATED).memoryRegion(RAM, 64L << 20, 0x7, MapType.MAP_ALLOC)
                .emulatedDevice(new EmulatedDeviceConfig("vda", 0x0a00_0000L, 0x200, arm ? 48 : 8, EmulatedDeviceType.VIRTIO_BLK, List.of()))
                .emulatedDevice(new EmulatedDeviceConfig("hvc", 0x0a00_0200L, 0x200, arm ? 49 : 9, EmulatedDeviceType.VIRTIO_CONSOLE, List.of()))
                .emulatedDevice(new EmulatedDeviceConfig("rng", 0x0a00_0400L, 0x200, arm ? 50 : 11, EmulatedDeviceType.VIRTIO_RNG, List.of()))
                .diskImage("vda", disk.toString(), false);
        return b.build();
    }

    private static byte[] kernel(String arch) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, arch.equals("aarch64") ? 0 : 0x20_0000).putLong(16, 0x20_0000);
        b.putInt(56, arch.equals("aarch64") ? 0x644d_5241 : 0x0543_5352);
        return b.array();
    }

    private AxVM<MockHal, ?> build(MockHal hal, String arch) throws IOException {
        ScriptedBackend backend = new ScriptedBackend(arch, (n, id) -> List.of())
                .withPlatformFacts(arch.equals("aarch64") ? GIC : HART);
        if (arch.equals("riscv64")) {
            backend = backend.withoutInKernelIrqchip();
        }
        return AxVM.builder(config(arch), hal).backend(backend).image("Image", kernel(arch)).build();
    }

    private static int[] cells(FdtNode node, String property) {
        return LinuxBootTest.cells(node, property);
    }

    private static VirtioMmioDevice transport(AxVM<?, ?> vm, String name) {
        return vm.devices().mmioDevices().stream().filter(d -> d.name().equals(name)).map(VirtioMmioDevice.class::cast)
                .findFirst().orElseThrow();
    }

    @Test
    void arm64TreesDescribeEachTransportWithItsSpi() throws Exception {
        try (MockHal hal = new MockHal(); AxVM<MockHal, ?> vm = build(hal, "aarch64")) {
            Fdt tree = vm.deviceTree().orElseThrow();
            FdtNode blk = tree.root().child("virtio_mmio@a000000").orElseThrow();
            assertArrayEquals(new int[] {0, 0x0a00_0000, 0, 0x200}, cells(blk, "reg"));
            assertArrayEquals(new int[] {0, 48 - 32, 4}, cells(blk, "interrupts"), "GIC SPI 16, level high");
            assertTrue(blk.property("dma-coherent").isPresent());
            assertTrue(vm.notes().stream().anyMatch(n -> n.startsWith("virtio-blk 'vda'")
                    && n.endsWith("notifications exit to the vCPU thread (the hypervisor offers no doorbell)")), vm.notes().toString());
            assertArrayEquals(new int[] {0, 50 - 32, 4}, cells(tree.root().child("virtio_mmio@a000400").orElseThrow(), "interrupts"));
            if (Dtc.available()) {
                Dtc.Result r = Dtc.run("dtb", "dts", tree.write());
                assertEquals("", r.err(), "dtc's warnings:\n" + r.out());
            }
        }
    }

    @Test
    void riscvTreesPutTheTransportsOnTheSocBehindThePlic() throws Exception {
        try (MockHal hal = new MockHal(); AxVM<MockHal, ?> vm = build(hal, "riscv64")) {
            FdtNode soc = vm.deviceTree().orElseThrow().root().child("soc").orElseThrow();
            FdtNode hvc = soc.child("virtio_mmio@a000200").orElseThrow();
            assertArrayEquals(new int[] {9}, cells(hvc, "interrupts"));
            assertEquals(cells(soc.child("plic@c000000").orElseThrow(), "phandle")[0], cells(hvc, "interrupt-parent")[0]);
        }
    }

    @Test
    void aRebootResetsTheTransportsAndAClosedVmClosesTheImage() throws Exception {
        VirtioBlock block;
        try (MockHal hal = new MockHal(); AxVM<MockHal, ?> vm = build(hal, "aarch64")) {
            VirtioMmioDevice vda = transport(vm, "vda");
            block = (VirtioBlock) vda.device();
            vm.boot();
            DeviceContext ctx = new DeviceContext(4, 0, vm.addrSpace());
            vda.handleWrite(0x0a00_0070L, AccessWidth.DWORD, 3, ctx); // ACKNOWLEDGE | DRIVER
            assertEquals(3, vda.status());
            assertEquals(Transition.APPLIED, vm.reboot());
            assertEquals(0, transport(vm, "vda").status(), "a reboot is a reset for the driver too");
            assertTrue(block.isOpen());
        }
        assertFalse(block.isOpen(), "closing the VM closed the image");
    }

    /** The handshake and one entropy request on queue 0, made available but not notified. */
    private static void postRngRequest(AxVM<?, ?> vm, VirtioMmioDevice rng) {
        DeviceContext ctx = new DeviceContext(4, 0, vm.addrSpace());
        long base = rng.addressRange().start();
        int[][] writes = {{0x70, 1}, {0x70, 3}, {0x24, 1}, {0x20, 1}, {0x24, 0}, {0x20, 0}, {0x70, 11}, {0x30, 0},
                {0x38, 8}, {0x80, (int) (RAM + 0x10_0000)}, {0x90, (int) (RAM + 0x10_1000)}, {0xa0, (int) (RAM + 0x10_2000)},
                {0x44, 1}, {0x70, 15}};
        for (int[] w : writes) {
            rng.handleWrite(base + w[0], AccessWidth.DWORD, Integer.toUnsignedLong(w[1]), ctx);
        }
        vm.addrSpace().writeLong(RAM + 0x10_0000, RAM + 0x20_0000);
        vm.addrSpace().writeInt(RAM + 0x10_0008, 16);
        vm.addrSpace().writeShort(RAM + 0x10_000c, (short) 2); // device-writable
        vm.addrSpace().writeShort(RAM + 0x10_1004, (short) 0); // avail.ring[0] = head 0
        vm.addrSpace().writeShort(RAM + 0x10_1002, (short) 1); // avail.idx = 1
    }

    private static int usedIdx(AxVM<?, ?> vm) {
        return Short.toUnsignedInt(vm.addrSpace().readShort(RAM + 0x10_2002));
    }

    @Test
    void aDoorbellWakesTheDevicesWorkerInsteadOfAnExitAndEveryBootHasItsOwn() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("aarch64", (n, id) -> List.of()).withPlatformFacts(GIC).withDoorbells();
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = AxVM.builder(config("aarch64"), hal).backend(backend).image("Image", kernel("aarch64")).build()) {
            List<ScriptedDoorbell> first = backend.vms().getFirst().doorbells();
            assertEquals(List.of(0x0a00_0050L, 0x0a00_0250L, 0x0a00_0450L), first.stream().map(ScriptedDoorbell::gpa).toList(),
                    "one on each transport's QueueNotify");
            assertTrue(first.stream().allMatch(d -> d.length() == 4));
            assertTrue(vm.notes().contains("virtio-rng 'rng' GPA [0xa000400, 0xa000600): notifications ring a doorbell "
                    + "(ioeventfd); a worker thread serves it"), vm.notes().toString());
            vm.boot();
            postRngRequest(vm, transport(vm, "rng"));
            assertEquals(0, usedIdx(vm), "nothing is served before the doorbell rings");
            first.get(2).ring();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (usedIdx(vm) != 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, usedIdx(vm), "the worker served the request");

            assertEquals(Transition.APPLIED, vm.reboot());
            assertTrue(first.stream().allMatch(d -> d.isStopped() && d.isClosed()), "a reboot ends the old VM's doorbells");
            List<ScriptedDoorbell> second = backend.vms().getLast().doorbells();
            assertEquals(3, second.size(), "and the new VM gets its own");
            vm.close();
            assertTrue(second.stream().allMatch(ScriptedDoorbell::isClosed), "closing the VM closes them");
        }
    }

    @Test
    void aRequestLeftAvailableWhenTheSnapshotWasTakenIsServedOnceByTheRestoredVm() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("aarch64", (n, id) -> List.of()).withPlatformFacts(GIC).withDoorbells();
        AxVMConfig config = config("aarch64");
        Path file = dir.resolve("vm.axsnap");
        try (MockHal hal = new MockHal()) {
            try (AxVM<MockHal, ?> vm = AxVM.builder(config, hal).backend(backend).image("Image", kernel("aarch64")).build()) {
                vm.boot();
                postRngRequest(vm, transport(vm, "rng")); // its doorbell never rings: as if the worker had not woken yet
                assertEquals(Transition.APPLIED, vm.pause());
                vm.snapshot(file);
                assertEquals(0, usedIdx(vm), "a snapshot serves nothing");
            }
            try (AxVM<MockHal, ?> restored = AxVM.builder(config, hal).backend(backend).restoreFrom(file).build()) {
                VirtioMmioDevice rng = transport(restored, "rng");
                assertEquals(15, rng.status(), "the handshake came back");
                assertEquals(1, usedIdx(restored), "the restored VM served the request the old one's doorbell rang for");
                rng.serveAllQueues();
                assertEquals(1, usedIdx(restored), "and only once");
            }
        }
    }

    @Test
    void aDiffSnapshotHoldsThePagesAVirtioDeviceWroteIntoGuestMemory() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("aarch64", (n, id) -> List.of()).withPlatformFacts(GIC);
        AxVMConfig config = config("aarch64");
        Path base = dir.resolve("base.axsnap");
        Path diff = dir.resolve("diff.axsnap");
        byte[] entropy = new byte[16];
        try (MockHal hal = new MockHal()) {
            try (AxVM<MockHal, ?> vm = AxVM.builder(config, hal).backend(backend).image("Image", kernel("aarch64"))
                    .trackDirtyPages(true).build()) {
                vm.boot();
                assertEquals(Transition.APPLIED, vm.pause());
                vm.snapshot(base);
                VirtioMmioDevice rng = transport(vm, "rng");
                postRngRequest(vm, rng);
                rng.serveAllQueues(); // the device writes the buffer (its own page) and the used ring (another)
                assertEquals(1, usedIdx(vm));
                vm.addrSpace().read(RAM + 0x20_0000, entropy, 0, entropy.length);
                assertEquals(4, vm.snapshotDiff(diff), "the descriptor and available rings the driver wrote, the buffer and "
                        + "the used ring the device wrote");
            }
            try (AxVM<MockHal, ?> restored = AxVM.builder(config, hal).backend(backend).restoreFrom(diff).build()) {
                assertEquals(1, usedIdx(restored), "the used ring the device wrote came with the diff");
                byte[] back = new byte[16];
                restored.addrSpace().read(RAM + 0x20_0000, back, 0, back.length);
                assertArrayEquals(entropy, back, "and the bytes it wrote into the driver's buffer");
            }
        }
    }

    @Test
    void aMissingImageFailsTheBuildNamingTheEntry() throws Exception {
        AxVMConfig config = config("aarch64");
        Files.delete(dir.resolve("disk.img"));
        try (MockHal hal = new MockHal()) {
            ScriptedBackend backend = new ScriptedBackend("aarch64", (n, id) -> List.of()).withPlatformFacts(GIC);
            VmBuildException e = assertThrows(VmBuildException.class,
                    () -> AxVM.builder(config, hal).backend(backend).image("Image", kernel("aarch64")).build());
            assertTrue(e.getMessage().contains("emu_devices 'vda': disk image"), e.getMessage());
            assertEquals(0, hal.liveRamBlocks(), "nothing left allocated");
        }
    }
}
