package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.config.ConfigWarning.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** AxVisor's own config files are our compatibility contract: each loads, unchanged, with the values it says. */
class AxVisorConfigsTest {

    @Test
    void theRepositorysCopiesEqualTheWorkspaceOriginalsWhenTheyAreThere() throws java.io.IOException {
        java.util.Optional<java.nio.file.Path> originals = AxVisorConfigs.originals();
        org.junit.jupiter.api.Assumptions.assumeTrue(originals.isPresent(),
                "no shared/axvisor-configs beside this checkout; the copies in testdata/ are used alone");
        for (java.nio.file.Path original : java.nio.file.Files.list(originals.get())
                .filter(p -> p.toString().endsWith(".toml")).toList()) {
            java.nio.file.Path copy = AxVisorConfigs.file(original.getFileName().toString());
            assertEquals(java.nio.file.Files.readString(original), java.nio.file.Files.readString(copy),
                    copy + " differs from " + original);
        }
    }

    @Test
    void allTwentyAxVisorFilesAreThere() {
        assertEquals(20, AxVisorConfigs.files().size(), AxVisorConfigs.directory().toString());
    }

    @TestFactory
    Stream<DynamicTest> everyAxVisorFileLoadsWithoutUnknownKeys() {
        return AxVisorConfigs.files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            LoadedConfig c = AxVMConfigs.load(f);
            BaseConfig b = c.config().base();
            assertFalse(b.name().isBlank());
            assertTrue(b.physCpuIds().isEmpty() || b.physCpuIds().size() == b.cpuNum());
            assertTrue(b.physCpuSets().isEmpty() || b.physCpuSets().size() == b.cpuNum());
            assertTrue(c.warnings().stream().noneMatch(w -> w.kind() == Kind.UNKNOWN_KEY), c.warnings().toString());
            for (ConfigWarning w : c.warnings()) {
                assertTrue(w.line().startsWith(f + ":"), w.line());
                assertFalse(w.line().contains("\n"), w.line());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyAxVisorFileWritesBackToTheSameRecords() {
        return AxVisorConfigs.files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            AxVMConfig original = AxVMConfigs.load(f).config();
            AxVMConfig again = AxVMConfigs.parse(AxVMConfigs.toToml(original), "again.toml").config();
            assertEquals(original.base(), again.base());
            assertEquals(original.kernel(), again.kernel());
            assertEquals(original.devices(), again.devices());
        }));
    }

    @Test
    void nimbosX86MatchesItsFile() {
        LoadedConfig loaded = AxVMConfigs.load(AxVisorConfigs.file("nimbos-x86_64-qemu-smp1.toml"));
        AxVMConfig c = loaded.config();
        assertEquals(new BaseConfig(1, "nimbos", VmType.RTOS, 1, List.of(), List.of(1L), Optional.empty()), c.base());
        KernelConfig k = c.kernel();
        assertEquals(0x8000, k.entryPoint());
        assertEquals(ImageLocation.MEMORY, k.imageLocation());
        assertEquals("/tmp/.axvisor-images/qemu_x86_64_nimbos/qemu-x86_64", k.kernelPath());
        assertEquals(0x20_0000, k.kernelLoadAddr());
        assertEquals(Optional.of("/tmp/.axvisor-images/qemu_x86_64_nimbos/axvm-bios.bin"), k.biosPath());
        assertEquals(OptionalLong.of(0x8000), k.biosLoadAddr());
        assertEquals(Optional.empty(), k.dtbPath());
        assertEquals(OptionalLong.empty(), k.ramdiskLoadAddr());
        assertEquals(List.of(new MemoryRegion(0, 0x100_0000, 0x7, MapType.MAP_ALLOC)), k.memoryRegions());
        assertEquals(Optional.empty(), k.entryMode());
        assertEquals(List.of(new GuestImage(ImageKind.KERNEL, k.kernelPath(), 0x20_0000),
                new GuestImage(ImageKind.BIOS, k.biosPath().orElseThrow(), 0x8000)), k.images());
        DevicesConfig d = c.devices();
        assertEquals(InterruptMode.PASSTHROUGH, d.interruptMode());
        assertEquals(List.of(), d.emuDevices());
        assertEquals(List.of(
                new PassthroughDeviceConfig.Region("IO APIC", 0xfec0_0000L, 0xfec0_0000L, 0x1000, 1),
                new PassthroughDeviceConfig.Region("Local APIC", 0xfee0_0000L, 0xfee0_0000L, 0x1000, 1),
                new PassthroughDeviceConfig.Region("HPET", 0xfed0_0000L, 0xfed0_0000L, 0x1000, 1)), d.passthroughDevices());
        assertEquals(List.of(), d.passthroughAddresses());
        assertEquals(List.of(), d.excludedDevices());
        assertTrue(d.builtinDevices());
        assertEquals(UnhandledAccess.IGNORE, d.unhandledAccess());

        List<String> host = loaded.warnings().stream().filter(w -> w.kind() == Kind.HOST_PASSTHROUGH)
                .map(ConfigWarning::field).toList();
        assertEquals(List.of("devices.passthrough_devices[0]", "devices.passthrough_devices[1]",
                "devices.passthrough_devices[2]"), host);
        assertTrue(loaded.warnings().stream().anyMatch(w -> w.kind() == Kind.IMAGES_IN_MEMORY
                && w.line().contains(":23:18: kernel.image_location: \"memory\": the images (kernel, bios)")), loaded.warnings().toString());
    }

    @Test
    void rk3588LinuxMatchesItsFile() {
        AxVMConfig c = AxVMConfigs.load(AxVisorConfigs.file("linux-aarch64-rk3588-smp8.toml")).config();
        assertEquals(8, c.base().cpuNum());
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L), c.base().physCpuSets());
        assertEquals(List.of(0x0L, 0x100L, 0x200L, 0x300L, 0x400L, 0x500L, 0x600L, 0x700L), c.base().physCpuIds());
        KernelConfig k = c.kernel();
        assertEquals(0x1008_0000, k.entryPoint());
        assertEquals(OptionalLong.of(0x1000_0000), k.dtbLoadAddr());
        assertEquals(Optional.of("/path/to/dtb"), k.dtbPath());
        assertEquals(List.of(new MemoryRegion(0x940_0000, 0xd550_0000L, 0x7, MapType.MAP_IDENTICAL),
                new MemoryRegion(0x920_0000, 0x2000, 0xf, MapType.MAP_RESERVED)), k.memoryRegions());
        assertTrue(k.memoryRegions().get(1).user());
        assertEquals(6, c.devices().passthroughDevices().size());
        assertEquals(new PassthroughDeviceConfig.Region("uart8250 UART", 0xfd00_0000L, 0xfd00_0000L, 0x200_0000, 0x17),
                c.devices().passthroughDevices().get(3));
        assertEquals(6, c.devices().deviceCount());
    }

    @Test
    void riscvLinuxMatchesItsFile() {
        AxVMConfig c = AxVMConfigs.load(AxVisorConfigs.file("linux-riscv64-qemu-smp1.toml")).config();
        assertEquals(List.of(0L), c.base().physCpuIds());
        assertEquals(OptionalLong.of(0x9300_0000L), c.kernel().dtbLoadAddr());
        assertEquals(Optional.empty(), c.kernel().dtbPath());
        assertEquals(List.of(new EmulatedDeviceConfig("plic", 0x0c00_0000, 0x60_0000, 0, EmulatedDeviceType.PPPT_GLOBAL,
                List.of(2L))), c.devices().emuDevices());
        assertEquals(List.of(new PassthroughAddressConfig(0x1000_0000, 0x1000), new PassthroughAddressConfig(0x1000_1000, 0x8000)),
                c.devices().passthroughAddresses());
        assertEquals(MapType.MAP_RESERVED, c.kernel().memoryRegions().getFirst().mapType());
    }

    @Test
    void arceosAarch64PassesTheWholeDeviceTreeExceptPcie() {
        AxVMConfig c = AxVMConfigs.load(AxVisorConfigs.file("arceos-aarch64-qemu-smp1.toml")).config();
        assertEquals(List.of(new PassthroughDeviceConfig.DeviceTreeNode("/")), c.devices().passthroughDevices());
        assertEquals(List.of(List.of("/pcie@10000000")), c.devices().excludedDevices());
        assertEquals(new MemoryRegion(0x8000_0000L, 0x4000_0000, 0x7, MapType.MAP_IDENTICAL), c.kernel().memoryRegions().getFirst());
    }

    @Test
    void nimbosRiscvTakesAxVisorsDefaults() {
        LoadedConfig loaded = AxVMConfigs.load(AxVisorConfigs.file("nimbos-riscv64-qemu-smp1.toml"));
        AxVMConfig c = loaded.config();
        assertEquals(InterruptMode.NO_IRQ, c.devices().interruptMode());
        assertEquals(List.of(), c.devices().passthroughAddresses());
        assertEquals(ImageLocation.FS, c.kernel().imageLocation());
        assertEquals(new MemoryRegion(0x9000_0000L, 0x100_0000, 0xf, MapType.MAP_ALLOC), c.kernel().memoryRegions().getFirst());
        // A relative kernel path is looked for beside the config file.
        Path expected = AxVisorConfigs.directory().toAbsolutePath().resolve("nimbos-riscv64.bin");
        assertEquals(expected, c.origin().resolve(c.kernel().kernelPath()));
        assertTrue(loaded.warnings().stream().anyMatch(w -> w.kind() == Kind.IMAGE_NOT_FOUND
                && w.field().equals("kernel.kernel_path") && w.line().contains(expected.toString())), loaded.warnings().toString());
    }

    @Test
    void buildingOnAUserSpaceHostRefusesEachPassedThroughDeviceByName() {
        AxVMConfig c = AxVMConfigs.load(AxVisorConfigs.file("nimbos-x86_64-qemu-smp1.toml")).config();
        ConfigException e = assertThrows(ConfigException.class, c::requireUserSpaceHost);
        assertEquals(3, e.errors().size());
        String f = AxVisorConfigs.file("nimbos-x86_64-qemu-smp1.toml").toString();
        assertEquals(f + ":59:3: devices.passthrough_devices[0]: \"IO APIC\" passes host range 0xfec0_0000..0xfec0_1000 "
                + "through at 0xfec0_0000 (expected no host passthrough on a user-space KVM host: remove the entry, or "
                + "emulate the device in emu_devices)", e.errors().getFirst().line());
        assertTrue(e.errors().get(1).line().contains("\"Local APIC\""));
        assertTrue(e.errors().get(2).line().contains("\"HPET\""));
    }

    @Test
    void aConfigWithoutPassthroughBuildsOnAUserSpaceHost() {
        AxVMConfig c = AxVMConfigs.load(AxVisorConfigs.file("arceos-riscv64-qemu-smp1.toml")).config();
        c.requireUserSpaceHost();
        assertEquals(List.of(), c.hostLimitations());
    }

    @Test
    void identityMappedRamIsAWarningNotARefusal() {
        AxVMConfig c = AxVMConfigs.load(AxVisorConfigs.file("linux-aarch64-qemu-smp1.toml")).config();
        List<ConfigWarning> memory = c.hostLimitations().stream().filter(w -> w.kind() == Kind.HOST_MEMORY).toList();
        assertEquals(1, memory.size());
        assertTrue(memory.getFirst().line().contains("kernel.memory_regions[0]: MapIdentical region 0x8000_0000..0x9000_0000"),
                memory.getFirst().line());
    }
}
