package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vm.fdt.Dtc;
import dev.axvm.vm.fdt.Fdt;
import dev.axvm.vm.fdt.FdtNode;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A Linux Image kernel on aarch64 and riscv64: where the kernel, the initial ramdisk and the
 * generated device tree land, what the tree says about the VM, the boot vCPU's argument, and the
 * placements the loader refuses.
 */
class LinuxBootTest {
    private static final long RAM = 0x4000_0000L;
    private static final long RAM_SIZE = 64L << 20;
    private static final long TWO_MIB = 2L << 20;
    private static final PlatformFacts.Arm GIC = new PlatformFacts.Arm(0x0800_0000L, 0x1_0000, 0x080a_0000L, 0x2_0000, 128);
    private static final PlatformFacts.Riscv HART = new PlatformFacts.Riscv("rv64imafdc_zicsr_zifencei", "riscv,sv48", 10_000_000);

    /** An Image of {@code fileSize} bytes whose header says it needs {@code imageSize}. */
    static byte[] image(String arch, int fileSize, long textOffset, long imageSize) {
        ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, textOffset).putLong(16, imageSize);
        b.putInt(56, arch.equals("aarch64") ? 0x644d_5241 : 0x0543_5352);
        return b.array();
    }

    private static AxVMConfigBuilder config(String arch, int cpus, long kernelAt) {
        long[] ids = new long[cpus];
        for (int i = 0; i < cpus; i++) {
            ids[i] = i;
        }
        return AxVMConfig.builder().name("linux").id(3).cpuNum(cpus).physCpuIds(ids)
                .arch(arch.equals("aarch64") ? GuestArch.AARCH64 : GuestArch.RISCV64)
                .entryPoint(kernelAt).kernel("Image", kernelAt).ramdisk("initrd").imageLocation(ImageLocation.MEMORY)
                .cmdline("console=ttyAMA0 rdinit=/init panic=-1").interruptMode(InterruptMode.EMULATED)
                .memoryRegion(RAM, RAM_SIZE, 0x7, MapType.MAP_ALLOC);
    }

    private ScriptedBackend backend;

    private AxVM<MockHal, ?> build(MockHal hal, AxVMConfig config, PlatformFacts facts, byte[] kernel, byte[] initrd) {
        String arch = config.base().arch().orElseThrow().tomlName();
        backend = new ScriptedBackend(arch, (n, id) -> List.of()).withPlatformFacts(facts);
        return AxVM.builder(config, hal).backend(backend).image("Image", kernel).image("initrd", initrd).build();
    }

    /** The boot argument the boot vCPU of the newest hardware VM was set up with. */
    private long bootArgument() {
        ScriptedVCpu bsp = backend.vms().getLast().vcpus().getFirst();
        String setup = bsp.calls().stream().filter(c -> c.startsWith("setup ")).reduce((a, b) -> b).orElseThrow();
        return Long.parseUnsignedLong(setup.substring(setup.indexOf("arg=0x") + 6), 16);
    }

    private static byte[] guestBytes(AxVM<?, ?> vm, long gpa, int length) {
        byte[] out = new byte[length];
        vm.addrSpace().read(gpa, out, 0, length);
        return out;
    }

    private static long u64(FdtNode node, String property) {
        return ByteBuffer.wrap(node.property(property).orElseThrow()).getLong();
    }

    static int[] cells(FdtNode node, String property) {
        ByteBuffer b = ByteBuffer.wrap(node.property(property).orElseThrow());
        int[] out = new int[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    private static String string(FdtNode node, String property) {
        byte[] v = node.property(property).orElseThrow();
        return new String(v, 0, v.length - 1, StandardCharsets.US_ASCII);
    }

    @Test
    void anArm64ImageGetsItsTreeInTheLastTwoMibOfRamAndTheInitrdRightBelowIt() {
        byte[] kernel = image("aarch64", 4096, 0, 3 * TWO_MIB);
        byte[] initrd = new byte[10_000];
        initrd[0] = 0x1f;
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = build(hal, config("aarch64", 2, RAM + TWO_MIB).build(), GIC, kernel, initrd)) {
            long dtb = RAM + RAM_SIZE - TWO_MIB;
            assertEquals(dtb, vm.generatedTreeAddress().orElseThrow());
            Fdt tree = vm.deviceTree().orElseThrow();
            byte[] blob = tree.write();
            assertArrayEquals(blob, guestBytes(vm, dtb, blob.length), "the guest's RAM holds the tree");
            assertEquals(tree, Fdt.read(guestBytes(vm, dtb, blob.length)));

            FdtNode chosen = tree.root().child("chosen").orElseThrow();
            long initrdStart = (dtb - initrd.length) & ~0xfffL;
            assertEquals(initrdStart, u64(chosen, "linux,initrd-start"));
            assertEquals(initrdStart + initrd.length, u64(chosen, "linux,initrd-end"));
            assertEquals(0x1f, guestBytes(vm, initrdStart, 1)[0], "the ramdisk is where the tree says");
            assertEquals("console=ttyAMA0 rdinit=/init panic=-1", string(chosen, "bootargs"));
            assertTrue(string(chosen, "stdout-path").startsWith("/pl011@"), string(chosen, "stdout-path"));

            FdtNode memory = tree.root().child("memory@40000000").orElseThrow();
            assertArrayEquals(new int[] {0, (int) RAM, 0, (int) RAM_SIZE}, cells(memory, "reg"));
            FdtNode cpus = tree.root().child("cpus").orElseThrow();
            assertEquals(2, cpus.children().size());
            assertArrayEquals(new int[] {1}, cells(cpus.child("cpu@1").orElseThrow(), "reg"), "MPIDR affinity of vCPU 1");
            assertEquals("psci", string(cpus.child("cpu@0").orElseThrow(), "enable-method"));
            assertEquals("hvc", string(tree.root().child("psci").orElseThrow(), "method"));
            FdtNode gic = tree.root().child("intc@8000000").orElseThrow();
            assertArrayEquals(new int[] {0, 0x0800_0000, 0, 0x1_0000, 0, 0x080a_0000, 0, 2 * 0x2_0000}, cells(gic, "reg"),
                    "the distributor and one redistributor per vCPU");

            assertEquals(dtb, bootArgument(), "x0 = the tree");
        }
    }

    @Test
    void aRiscvImageGetsHartsWithKvmsIsaAndPlicContextsAndTheTreeInA1() {
        byte[] kernel = image("riscv64", 4096, TWO_MIB, 2 * TWO_MIB);
        AxVMConfig config = config("riscv64", 2, RAM).cmdline("console=ttyS0").build();
        try (MockHal hal = new MockHal()) {
            backend = new ScriptedBackend("riscv64", (n, id) -> List.of()).withPlatformFacts(HART).withoutInKernelIrqchip();
            try (AxVM<MockHal, ?> vm = AxVM.builder(config, hal).backend(backend).image("Image", kernel)
                    .image("initrd", new byte[100]).build()) {
                Fdt tree = vm.deviceTree().orElseThrow();
                FdtNode cpus = tree.root().child("cpus").orElseThrow();
                assertArrayEquals(new int[] {10_000_000}, cells(cpus, "timebase-frequency"));
                FdtNode hart1 = cpus.child("cpu@1").orElseThrow();
                assertEquals("rv64imafdc_zicsr_zifencei", string(hart1, "riscv,isa"));
                assertEquals("riscv,sv48", string(hart1, "mmu-type"));
                FdtNode soc = tree.root().child("soc").orElseThrow();
                FdtNode plic = soc.child("plic@c000000").orElseThrow();
                int[] contexts = cells(plic, "interrupts-extended");
                assertEquals(8, contexts.length, "two contexts (M, S) per hart, each a phandle and an interrupt");
                assertEquals(-1, contexts[1], "M-mode contexts go nowhere");
                assertEquals(9, contexts[3], "S-mode contexts raise the supervisor external interrupt");
                FdtNode serial = soc.child("serial@10000000").orElseThrow();
                assertEquals("ns16550a", string(serial, "compatible"));
                assertEquals("/soc/serial@10000000", string(tree.root().child("chosen").orElseThrow(), "stdout-path"));
                assertEquals(vm.generatedTreeAddress().orElseThrow(), bootArgument(), "a1 = the tree");
            }
        }
    }

    @Test
    void generatedTreesDecompileWithoutWarnings() throws Exception {
        Dtc.require();
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> arm = build(hal, config("aarch64", 4, RAM + TWO_MIB).build(), GIC,
                     image("aarch64", 4096, 0, TWO_MIB), new byte[64])) {
            Dtc.Result r = Dtc.run("dtb", "dts", arm.deviceTree().orElseThrow().write());
            assertEquals("", r.err(), "dtc's warnings for the aarch64 tree:\n" + r.out());
        }
        try (MockHal hal = new MockHal()) {
            backend = new ScriptedBackend("riscv64", (n, id) -> List.of()).withPlatformFacts(HART).withoutInKernelIrqchip();
            try (AxVM<MockHal, ?> riscv = AxVM.builder(config("riscv64", 3, RAM).build(), hal).backend(backend)
                    .image("Image", image("riscv64", 4096, TWO_MIB, TWO_MIB)).image("initrd", new byte[64]).build()) {
                Dtc.Result r = Dtc.run("dtb", "dts", riscv.deviceTree().orElseThrow().write());
                assertEquals("", r.err(), "dtc's warnings for the riscv64 tree:\n" + r.out());
            }
        }
    }

    @Test
    void anInitrdAtAnAddressThatOverlapsTheKernelsImageSizeIsRefusedNamingBothRanges() {
        byte[] kernel = image("aarch64", 4096, 0, 3 * TWO_MIB); // the file is small; image_size is not
        AxVMConfig config = config("aarch64", 1, RAM + TWO_MIB).ramdisk("initrd", RAM + 2 * TWO_MIB).build();
        try (MockHal hal = new MockHal()) {
            VmBuildException e = assertThrows(VmBuildException.class, () -> build(hal, config, GIC, kernel, new byte[100]));
            assertEquals("kernel 'Image' (Linux Image, image_size 0x600000) at [0x40200000, 0x40800000) overlaps "
                    + "ramdisk 'initrd' at [0x40400000, 0x40400064)", e.getMessage());
        }
    }

    @Test
    void aTreeAddressInsideTheKernelIsRefusedNamingBoth() {
        AxVMConfig config = config("aarch64", 1, RAM + TWO_MIB).dtbLoadAddr(RAM + TWO_MIB + 0x1000).build();
        try (MockHal hal = new MockHal()) {
            VmBuildException e = assertThrows(VmBuildException.class,
                    () -> build(hal, config, GIC, image("aarch64", 4096, 0, TWO_MIB), new byte[1]));
            assertEquals("kernel 'Image' (Linux Image, image_size 0x200000) at [0x40200000, 0x40400000) overlaps the "
                    + "generated device tree (up to 2 MiB) at [0x40201000, 0x40401000)", e.getMessage());
        }
    }

    @Test
    void anArm64KernelOffItsTextOffsetAndARiscvKernelOffA2MibBoundaryAreRefusedWithTheAddressToUse() {
        try (MockHal hal = new MockHal()) {
            VmBuildException arm = assertThrows(VmBuildException.class, () -> build(hal,
                    config("aarch64", 1, RAM + 0x1000).build(), GIC, image("aarch64", 4096, 0x8_0000, TWO_MIB), new byte[1]));
            assertEquals("kernel 'Image': kernel_load_addr 0x40001000 must be text_offset (0x80000) past a 2 MiB "
                    + "boundary, e.g. 0x40080000", arm.getMessage());
            backend = new ScriptedBackend("riscv64", (n, id) -> List.of()).withPlatformFacts(HART);
            VmBuildException riscv = assertThrows(VmBuildException.class, () -> AxVM.builder(
                    config("riscv64", 1, RAM + 0x1000).build(), hal).backend(backend)
                    .image("Image", image("riscv64", 4096, TWO_MIB, TWO_MIB)).image("initrd", new byte[1]).build());
            assertEquals("kernel 'Image': kernel_load_addr 0x40001000 must be on a 2 MiB boundary, e.g. 0x40200000",
                    riscv.getMessage());
        }
    }

    @Test
    void aConfigsDtbFileWinsOverTheGeneratedTreeWhichStillDescribesTheVm() {
        byte[] file = new Fdt(FdtNode.root().string("model", "from the config")).write();
        AxVMConfig config = config("aarch64", 1, RAM + TWO_MIB).dtb("board.dtb", RAM).build();
        try (MockHal hal = new MockHal()) {
            backend = new ScriptedBackend("aarch64", (n, id) -> List.of()).withPlatformFacts(GIC);
            try (AxVM<MockHal, ?> vm = AxVM.builder(config, hal).backend(backend).image("Image", image("aarch64", 4096, 0,
                    TWO_MIB)).image("initrd", new byte[1]).image("board.dtb", file).build()) {
                assertFalse(vm.generatedTreeAddress().isPresent(), "the guest does not get the generated tree");
                assertTrue(vm.deviceTree().isPresent(), "which still describes the VM");
                assertArrayEquals(file, guestBytes(vm, RAM, file.length));
                assertEquals(RAM, bootArgument());
            }
        }
    }

    @Test
    void aRebootWritesTheSameTreeIntoTheFreshRam() {
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = build(hal, config("aarch64", 1, RAM + TWO_MIB).build(), GIC,
                     image("aarch64", 4096, 0, TWO_MIB), new byte[] {1, 2, 3})) {
            long dtb = vm.generatedTreeAddress().orElseThrow();
            byte[] blob = vm.deviceTree().orElseThrow().write();
            vm.boot();
            vm.addrSpace().write(dtb, new byte[blob.length], 0, blob.length); // a guest that scribbled over it
            assertEquals(Transition.APPLIED, vm.reboot());
            assertArrayEquals(blob, guestBytes(vm, dtb, blob.length));
            assertEquals(2, backend.vms().size());
            assertEquals(dtb, bootArgument());
        }
    }

    @Test
    void anX86VmHasNoTreeAndSaysWhy() {
        AxVMConfig config = AxVMConfig.builder().name("pc").id(1).cpuNum(1).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel("k", 0x8000).imageLocation(ImageLocation.MEMORY).memoryRegion(0, 1 << 20, 0x7, MapType.MAP_ALLOC)
                .build();
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = AxVM.builder(config, hal).backend(new ScriptedBackend("x86_64", (n, id) -> List.of()))
                     .image("k", new byte[] {(byte) 0xf4}).build()) {
            assertEquals(Optional.empty(), vm.deviceTree());
            assertTrue(vm.noDeviceTreeReason().startsWith("x86_64 VMs have no device tree"), vm.noDeviceTreeReason());
        }
    }

    @Test
    void anArm64VmWithoutTheVgicIsDescribedWithoutInterruptsButALinuxGuestNeedsThem() throws Exception {
        AxVMConfig flat = AxVMConfig.builder().name("tiny").id(4).cpuNum(1).arch(GuestArch.AARCH64).entryPoint(RAM)
                .kernel("k", RAM).imageLocation(ImageLocation.MEMORY).memoryRegion(RAM, 16 << 20, 0x7, MapType.MAP_ALLOC)
                .build();
        try (MockHal hal = new MockHal()) {
            backend = new ScriptedBackend("aarch64", (n, id) -> List.of()).withPlatformFacts(GIC);
            try (AxVM<MockHal, ?> vm = AxVM.builder(flat, hal).backend(backend).image("k", new byte[4]).build()) {
                Fdt tree = vm.deviceTree().orElseThrow();
                assertFalse(tree.root().child("intc@8000000").isPresent());
                assertFalse(tree.root().child("timer").isPresent());
                assertFalse(tree.root().property("interrupt-parent").isPresent());
                assertFalse(vm.generatedTreeAddress().isPresent(), "a flat binary does not get it");
                if (Dtc.available()) {
                    assertEquals("", Dtc.run("dtb", "dts", tree.write()).err());
                }
            }
            AxVMConfig linux = config("aarch64", 1, RAM + TWO_MIB).interruptMode(InterruptMode.NO_IRQ).build();
            VmBuildException e = assertThrows(VmBuildException.class,
                    () -> build(hal, linux, GIC, image("aarch64", 4096, 0, TWO_MIB), new byte[1]));
            assertEquals("VM 'linux': a Linux guest needs an interrupt controller; set interrupt_mode = \"emulated\"",
                    e.getMessage());
        }
    }
}
