package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs made in code obey the loader's rules and report mistakes the same way. */
class BuilderTest {

    private static AxVMConfigBuilder minimal() {
        return AxVMConfig.builder().name("vm").kernel("/nonexistent-axvm/kernel.bin", 0x8000_0000L)
                .memoryRegion(0x8000_0000L, 0x100_0000, MemoryRegion.RWX, MapType.MAP_ALLOC);
    }

    private static String onlyError(AxVMConfigBuilder b) {
        ConfigException e = assertThrows(ConfigException.class, b::build);
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aBuiltConfigEqualsTheSameConfigParsedFromToml() {
        AxVMConfig built = AxVMConfig.builder().id(3).name("nimbos").cpuNum(1).physCpuSets(1).arch(GuestArch.X86_64)
                .paravirtOff(ParavirtFeature.PV_EOI, ParavirtFeature.KVMCLOCK)
                .kernel("k.bin", 0x20_0000).entryPoint(0x8000).bios("b.bin", 0x8000).imageLocation(ImageLocation.MEMORY)
                .entryMode(X86EntryMode.LONG)
                .memoryRegion(0, 0x100_0000, MemoryRegion.RWX, MapType.MAP_ALLOC)
                .emulatedDevice(new EmulatedDeviceConfig("uart", 0xfe00_0000L, 0x1000, 4, EmulatedDeviceType.CONSOLE, List.of()))
                .interruptMode(InterruptMode.EMULATED).builtinDevices(false).unhandledAccess(UnhandledAccess.STOP)
                .build();
        AxVMConfig parsed = AxVMConfigs.parse("""
                [base]
                id = 3
                name = "nimbos"
                cpu_num = 1
                phys_cpu_sets = [1]
                arch = "x86_64"
                paravirt_off = ["kvm-pv-eoi", "kvmclock", "kvm-pv-eoi"]
                [kernel]
                entry_point = 0x8000
                kernel_path = "k.bin"
                kernel_load_addr = 0x20_0000
                bios_path = "b.bin"
                bios_load_addr = 0x8000
                image_location = "memory"
                entry_mode = "long"
                memory_regions = [[0x0, 0x100_0000, 0x7, 0]]
                [devices]
                emu_devices = [["uart", 0xfe00_0000, 0x1000, 4, 0x2, []]]
                interrupt_mode = "emulated"
                builtin_devices = false
                unhandled_access = "stop"
                """, "same.toml").config();
        assertEquals(parsed.base(), built.base());
        assertEquals(parsed.kernel(), built.kernel());
        assertEquals(parsed.devices(), built.devices());
        assertEquals("<builder>", built.origin().sourceName());
    }

    @Test
    void paravirtOffIsWrittenOnceEachInDeclarationOrder() {
        AxVMConfig built = minimal().arch(GuestArch.X86_64)
                .paravirtOff(ParavirtFeature.PV_EOI, ParavirtFeature.KVMCLOCK).build();
        String toml = AxVMConfigs.toToml(built);
        assertTrue(toml.contains("paravirt_off = [\"kvmclock\", \"kvm-pv-eoi\"]\n"), toml);
        assertEquals(List.of(ConfigExtension.ARCH, ConfigExtension.PARAVIRT_OFF),
                ConfigExtension.usedBy(AxVMConfigs.parse(toml, "written.toml").config()).subList(0, 2));
    }

    @Test
    void theEntryPointDefaultsToTheKernelsLoadAddress() {
        assertEquals(0x8000_0000L, minimal().build().kernel().entryPoint());
    }

    @Test
    void mistakesNameTheBuilderAndTheField() {
        assertEquals("<builder>: base.cpu_num: 0 vCPUs (expected at least 1)", onlyError(minimal().cpuNum(0)));
        assertEquals("<builder>: base.name: missing (expected a VM name)", onlyError(minimal().name(null)));
        assertEquals("my-vmm: kernel.entry_point: 0x1000 is outside guest RAM (expected an address inside "
                + "kernel.memory_regions: 0x8000_0000..0x8100_0000)", onlyError(minimal().entryPoint(0x1000).sourceName("my-vmm")));
    }

    @Test
    void aRegionRunningPastTwoToTheSixtyFourIsAWrap() {
        assertEquals("<builder>: kernel.memory_regions[1]: 0xffff_ffff_ffff_f000 + 0x2000 wraps past the end of the "
                + "64-bit address space (expected a range that ends at or below 0x1_0000_0000_0000_0000)",
                onlyError(minimal().memoryRegion(0xffff_ffff_ffff_f000L, 0x2000, MemoryRegion.RWX, MapType.MAP_ALLOC)));
    }

    @Test
    void aRegionEndingExactlyAtTwoToTheSixtyFourDoesNotWrapButLeavesTheGuestSpace() {
        assertEquals("<builder>: kernel.memory_regions[1]: 0xffff_ffff_ffff_f000..0x1_0000_0000_0000_0000 ends beyond "
                + "the 59-bit guest-physical address space of the widest architecture (expected a range that ends at or "
                + "below 0x800_0000_0000_0000)",
                onlyError(minimal().memoryRegion(0xffff_ffff_ffff_f000L, 0x1000, MemoryRegion.RWX, MapType.MAP_ALLOC)));
    }

    @Test
    void riscvGuestsReachFiftyNineBitsWhereX86StopsAtFiftyTwo() {
        long gpa = 1L << 55;
        minimal().arch(GuestArch.RISCV64).memoryRegion(gpa, 0x1000, MemoryRegion.RWX, MapType.MAP_ALLOC).build();
        assertTrue(onlyError(minimal().arch(GuestArch.X86_64).memoryRegion(gpa, 0x1000, MemoryRegion.RWX, MapType.MAP_ALLOC))
                .contains("ends beyond the 52-bit guest-physical address space of x86_64"));
    }

    @Test
    void flagBitsOutsideAxVisorsSixAreRefused() {
        assertEquals("<builder>: kernel.memory_regions[1].flags: 0x80 has bits outside READ|WRITE|EXECUTE|USER|DEVICE|UNCACHED "
                + "(expected a combination of 0x1 READ, 0x2 WRITE, 0x4 EXECUTE, 0x8 USER, 0x10 DEVICE, 0x20 UNCACHED)",
                onlyError(minimal().memoryRegion(0x1000, 0x1000, 0x80, MapType.MAP_ALLOC)));
    }

    @Test
    void entryModeIsRefusedForArm() {
        assertEquals("<builder>: kernel.entry_mode: \"real\" is x86-only but base.arch is \"aarch64\" (expected no "
                + "entry_mode for aarch64 guests)", onlyError(minimal().arch(GuestArch.AARCH64).entryMode(X86EntryMode.REAL)));
    }

    @Test
    void passthroughEntriesOverlappingEachOtherAreRefused() {
        assertEquals("<builder>: devices.passthrough_addresses[0]: 0x1000_0800..0x1000_1800 overlaps "
                + "devices.passthrough_devices[0] \"uart\" 0x1000_0000..0x1000_1000 (expected devices at addresses no other "
                + "device uses)", onlyError(minimal()
                        .passthroughDevice(new PassthroughDeviceConfig.Region("uart", 0x1000_0000, 0x1000_0000, 0x1000, 1))
                        .passthroughAddress(0x1000_0800, 0x1000)));
    }

    @Test
    void everyOverlapIsReportedOnceEvenInAChain() {
        ConfigException e = assertThrows(ConfigException.class, () -> minimal()
                .memoryRegion(0x8000_0000L, 0x1000, MemoryRegion.RWX, MapType.MAP_ALLOC)
                .memoryRegion(0x8000_0000L, 0x1000, MemoryRegion.RWX, MapType.MAP_ALLOC).build());
        assertEquals(List.of("kernel.memory_regions[1]", "kernel.memory_regions[2]"),
                e.errors().stream().map(ConfigError::field).sorted().toList());
    }

    @Test
    void aHostVmCannotBeBuiltOnAUserSpaceHost() {
        AxVMConfig c = minimal().vmType(VmType.HOST_VM).build();
        ConfigException e = assertThrows(ConfigException.class, c::requireUserSpaceHost);
        assertEquals("<builder>: base.vm_type: 0 is a host VM (type 1.5), which takes over the running host (expected "
                + "vm_type = 1 (RTOS) or 2 (Linux): a user-space KVM host runs guests only)", e.getMessage());
    }

    @Test
    void aVariantMadeWithToBuilderKeepsEverythingElse() {
        AxVMConfig a = AxVMConfigs.load(AxVisorConfigs.file("linux-aarch64-rk3588-smp8.toml")).config();
        AxVMConfig b = a.toBuilder().name("renamed").build();
        assertEquals("renamed", b.base().name());
        assertEquals(a.kernel(), b.kernel());
        assertEquals(a.devices(), b.devices());
        assertEquals(a.origin().sourceName(), b.origin().sourceName());
    }

    @Test
    void numbersTomlCannotHoldAreRefusedWhenWriting() {
        AxVMConfig c = minimal().physCpuSets(0x8000_0000_0000_0000L).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AxVMConfigs.toToml(c));
        assertEquals("base.phys_cpu_sets[0]: 0x8000000000000000 cannot be written in TOML, whose integers are at most "
                + "0x7fff_ffff_ffff_ffff", e.getMessage());
    }

    // ---- images, resolved against the config's file

    @TempDir
    Path dir;

    private Path image(String name, long size) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void anImageMayRunAcrossRegionsThatTouch() throws Exception {
        image("k.bin", 0x3000);
        AxVMConfig c = AxVMConfig.builder().name("vm").file(dir.resolve("vm.toml")).kernel("k.bin", 0x1000)
                .memoryRegion(0x0, 0x2000, MemoryRegion.RWX, MapType.MAP_ALLOC)
                .memoryRegion(0x2000, 0x2000, MemoryRegion.RWX, MapType.MAP_ALLOC).build();
        assertEquals(List.of(), AxVMConfigs.check(c));
    }

    @Test
    void anImageRunningIntoAGapBetweenRegionsIsRefused() throws Exception {
        image("k.bin", 0x3000);
        assertEquals("vm.toml: kernel.kernel_path: the kernel is 0x3000 bytes: loaded at 0x1000 it ends at 0x4000, past "
                + "the end of guest RAM at 0x2000 (expected an image that fits in guest RAM from kernel_load_addr)",
                onlyError(AxVMConfig.builder().name("vm").sourceName("vm.toml").file(dir.resolve("vm.toml"))
                        .kernel("k.bin", 0x1000)
                        .memoryRegion(0x0, 0x2000, MemoryRegion.RWX, MapType.MAP_ALLOC)
                        .memoryRegion(0x3000, 0x2000, MemoryRegion.RWX, MapType.MAP_ALLOC)));
    }

    @Test
    void missingImagesAreWarningsNamingWhereTheyWereLookedFor() {
        AxVMConfig c = AxVMConfig.builder().name("vm").file(dir.resolve("vm.toml")).kernel("k.bin", 0x1000)
                .memoryRegion(0x0, 0x2000, MemoryRegion.RWX, MapType.MAP_ALLOC).build();
        List<ConfigWarning> w = AxVMConfigs.check(c);
        assertEquals(1, w.size());
        assertEquals("<builder>: kernel.kernel_path: \"k.bin\" does not exist at " + dir.resolve("k.bin")
                + " (the kernel cannot be checked to fit in guest RAM until it does)", w.getFirst().line());
    }
}
