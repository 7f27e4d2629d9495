package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broken corpus: the valid template with one mistake each; every case must give exactly one
 * error, and that error must be the expected line (file, line, column, field, message).
 */
class BrokenConfigCorpusTest {
    private static final String SRC = "broken.toml";

    /** One broken config and the one line it must produce. */
    private record Case(String name, String toml, String expected) {}

    private static Case edit(String name, String from, String to, String expected) {
        return new Case(name, ValidTemplate.with(from, to), expected);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // --- TOML syntax and types
        c.add(edit("syntax: value missing", "cpu_num = 2", "cpu_num =",
                "6:10: toml: unexpected end of line (expected a value)"));
        c.add(edit("syntax: unterminated string", "name = \"demo\"", "name = \"demo",
                "4:13: toml: unexpected end of line (expected \" or a character)"));
        c.add(edit("syntax: duplicate key", "vm_type = 1", "vm_type = 1\nvm_type = 2",
                "6:1: toml: vm_type previously defined at line 5, column 1 (expected each key and table defined once)"));
        c.add(edit("syntax: duplicate table", "[devices]", "[devices]\n[base]",
                "24:1: toml: base previously defined at line 2, column 1 (expected each key and table defined once)"));
        c.add(edit("integer above 2^63-1", "entry_point = 0x8000", "entry_point = 0xffff_ffff_ffff_f000",
                "11:15: toml: integer is too large (expected at most 0x7fff_ffff_ffff_ffff: TOML integers are signed 64-bit)"));
        c.add(edit("type: cpu_num string", "cpu_num = 2", "cpu_num = \"2\"",
                "6:11: base.cpu_num: is the string \"2\" (expected a number of vCPUs, as an integer)"));
        c.add(edit("type: name integer", "name = \"demo\"", "name = 7",
                "4:8: base.name: is the integer 7 (expected a string)"));
        c.add(edit("type: entry_point float", "entry_point = 0x8000", "entry_point = 32768.0",
                "11:15: kernel.entry_point: is the float 32768.0 (expected an address, as an integer)"));
        c.add(edit("type: kernel_path boolean", "kernel_path = \"kernel.bin\"", "kernel_path = true",
                "12:15: kernel.kernel_path: is the boolean true (expected a string)"));
        c.add(edit("type: memory_regions table", "memory_regions = [\n  [0x0, 0x100_0000, 0x7, 0],\n  [0x4000_0000, 0x10_0000, 0x7, 0],\n]",
                "memory_regions = { gpa = 0 }",
                "18:18: kernel.memory_regions: is a table (expected an array of [gpa, size, flags, map_type] regions)"));
        c.add(edit("type: region size string", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0000, \"1M\", 0x7, 0]",
                "20:17: kernel.memory_regions[1].size: is the string \"1M\" (expected a size in bytes, as an integer)"));
        c.add(edit("type: region not an array", "[0x4000_0000, 0x10_0000, 0x7, 0]", "0x4000_0000",
                "20:3: kernel.memory_regions[1]: is the integer 0x4000_0000 (expected [gpa, size, flags, map_type])"));
        c.add(edit("type: cfg_list not an array", "0xE1, [1]]", "0xE1, 1]",
                "27:48: devices.emu_devices[1].cfg_list: is the integer 1 (expected an array of numbers, e.g. [] or [2])"));
        c.add(edit("type: base is an array of tables", "[base]", "[[base]]",
                "2:1: base: is an array of tables, [[base]] (expected a single [base] table)"));
        c.add(edit("negative address", "kernel_load_addr = 0x20_0000", "kernel_load_addr = -4096",
                "13:20: kernel.kernel_load_addr: -4096 is negative (expected an address from 0 to 0x7fff_ffff_ffff_ffff)"));
        // --- missing keys and tables
        c.add(edit("missing: cpu_num", "cpu_num = 2\n", "",
                "2:1: base.cpu_num: missing (expected cpu_num = <number of vCPUs>, e.g. cpu_num = 1)"));
        c.add(edit("missing: name", "name = \"demo\"\n", "",
                "2:1: base.name: missing (expected name = \"<VM name>\")"));
        c.add(edit("missing: entry_point", "entry_point = 0x8000\n", "",
                "10:1: kernel.entry_point: missing (expected entry_point = <guest-physical address the vCPU starts at>)"));
        c.add(edit("missing: kernel_path", "kernel_path = \"kernel.bin\"\n", "",
                "10:1: kernel.kernel_path: missing (expected kernel_path = \"<kernel image>\")"));
        c.add(edit("missing: memory_regions", "memory_regions = [\n  [0x0, 0x100_0000, 0x7, 0],\n  [0x4000_0000, 0x10_0000, 0x7, 0],\n]\n", "",
                "10:1: kernel.memory_regions: missing (expected memory_regions = [ [gpa, size, flags, map_type], ... ] describing guest RAM)"));
        c.add(new Case("missing: [kernel]", ValidTemplate.TEXT.substring(0, ValidTemplate.TEXT.indexOf("[kernel]")),
                "1:1: kernel: missing (expected a [kernel] table with entry_point, kernel_path, kernel_load_addr and memory_regions)"));
        // --- bad enumerations
        c.add(edit("enum: vm_type", "vm_type = 1", "vm_type = 3",
                "5:11: base.vm_type: 3 is not a VM type (expected 0 host VM, 1 RTOS or 2 Linux)"));
        c.add(edit("enum: map_type", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0000, 0x10_0000, 0x7, 4]",
                "20:33: kernel.memory_regions[1].map_type: 4 is not a mapping type (expected 0 MapAlloc, 1 MapIdentical or 2 MapReserved)"));
        c.add(edit("enum: emu_type", "0x2, []]", "0x5, []]",
                "26:36: devices.emu_devices[0].emu_type: 0x5 is not an emulated device type (expected 0x0 Dummy, 0x1 InterruptController, 0x2 Console, 0xa IVCChannel, 0x20 GPPTRedistributor, 0x21 GPPTDistributor, 0x22 GPPTITS, 0x30 PPPTGlobal, 0xe1 VirtioBlk, 0xe2 VirtioNet, 0xe3 VirtioConsole, 0xe4 VirtioRng (ours))"));
        c.add(edit("enum: interrupt_mode typo", "interrupt_mode = \"emu\"", "interrupt_mode = \"passthru\"",
                "24:18: devices.interrupt_mode: \"passthru\" is not an interrupt mode (expected one of \"no_irq\", \"no\", \"none\", \"emu\", \"emulated\", \"passthrough\", \"pt\"; did you mean \"passthrough\"?)"));
        c.add(edit("enum: image_location", "image_location = \"memory\"", "image_location = \"disk\"",
                "16:18: kernel.image_location: \"disk\" is not an image location (expected one of \"fs\", \"memory\")"));
        c.add(edit("enum: arch", "arch = \"x86_64\"", "arch = \"amd64\"",
                "8:8: base.arch: \"amd64\" is not an architecture (expected one of \"x86_64\", \"aarch64\", \"riscv64\"; did you mean \"x86_64\"?)"));
        c.add(edit("enum: entry_mode", "cmdline = \"console=ttyS0\"", "cmdline = \"console=ttyS0\"\nentry_mode = \"virtual\"",
                "18:14: kernel.entry_mode: \"virtual\" is not an x86 entry mode (expected one of \"real\", \"protected\", \"long\")"));
        c.add(edit("enum: unhandled_access", "interrupt_mode = \"emu\"", "interrupt_mode = \"emu\"\nunhandled_access = \"crash\"",
                "25:20: devices.unhandled_access: \"crash\" is not an unhandled-access policy (expected one of \"ignore\", \"stop\")"));
        c.add(edit("flags: unknown bits", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0000, 0x10_0000, 0x47, 0]",
                "20:28: kernel.memory_regions[1].flags: 0x47 has bits outside READ|WRITE|EXECUTE|USER|DEVICE|UNCACHED (expected a combination of 0x1 READ, 0x2 WRITE, 0x4 EXECUTE, 0x8 USER, 0x10 DEVICE, 0x20 UNCACHED)"));
        // --- shapes
        c.add(edit("shape: region with 3 elements", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0000, 0x10_0000, 0x7]",
                "20:3: kernel.memory_regions[1]: has 3 elements (expected 4 elements: [gpa, size, flags, map_type])"));
        c.add(edit("shape: emu device with 5 elements", "0xE1, [1]]", "0xE1]",
                "27:3: devices.emu_devices[1]: has 5 elements (expected 6 elements: [name, base_gpa, length, irq_id, emu_type, cfg_list])"));
        c.add(edit("shape: passthrough with 3 elements", "passthrough_devices = []", "passthrough_devices = [[\"x\", 0x1000, 0x1000]]",
                "29:24: devices.passthrough_devices[0]: has 3 elements (expected 1 or 5 elements: [\"/device-tree/path\"] or [name, base_gpa, base_hpa, length, irq_id])"));
        c.add(edit("shape: passthrough path without slash", "passthrough_devices = []", "passthrough_devices = [[\"soc\"]]",
                "29:25: devices.passthrough_devices[0].name: \"soc\" is not a device-tree path (expected a path starting with /, or [name, base_gpa, base_hpa, length, irq_id])"));
        c.add(edit("shape: empty phys_cpu_ids", "phys_cpu_ids = [0x0, 0x1]", "phys_cpu_ids = []",
                "7:16: base.phys_cpu_ids: empty (expected one physical CPU id per vCPU, or no phys_cpu_ids key)"));
        // --- CPU rules
        c.add(edit("cpu_num zero", "cpu_num = 2\nphys_cpu_ids = [0x0, 0x1]", "cpu_num = 0",
                "6:11: base.cpu_num: 0 vCPUs (expected at least 1)"));
        c.add(edit("cpu_num too large", "cpu_num = 2\nphys_cpu_ids = [0x0, 0x1]", "cpu_num = 100000",
                "6:11: base.cpu_num: 100000 vCPUs is more than a VM can have (expected 1 to 4096)"));
        c.add(edit("phys_cpu_ids count", "phys_cpu_ids = [0x0, 0x1]", "phys_cpu_ids = [0x0, 0x1, 0x2]",
                "7:16: base.phys_cpu_ids: 3 entries for cpu_num = 2 (expected one physical CPU id per vCPU)"));
        c.add(edit("phys_cpu_ids repeated", "phys_cpu_ids = [0x0, 0x1]", "phys_cpu_ids = [0x100, 0x100]",
                "7:24: base.phys_cpu_ids[1]: 0x100 repeats phys_cpu_ids[0] (expected a different physical CPU id for each vCPU)"));
        c.add(edit("phys_cpu_sets zero mask", "arch = \"x86_64\"", "arch = \"x86_64\"\nphys_cpu_sets = [0x1, 0x0]",
                "9:23: base.phys_cpu_sets[1]: mask 0x0 allows no physical CPU (expected a mask with at least one bit set)"));
        c.add(edit("name empty", "name = \"demo\"", "name = \"\"",
                "4:8: base.name: empty (expected a VM name, e.g. name = \"linux\")"));
        // --- regions
        c.add(edit("region misaligned gpa", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0800, 0x10_0000, 0x7, 0]",
                "20:4: kernel.memory_regions[1].gpa: 0x4000_0800 is not page-aligned (expected a multiple of 0x1000, 4 KiB)"));
        c.add(edit("region misaligned size", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0000, 0x10_0800, 0x7, 0]",
                "20:17: kernel.memory_regions[1].size: 0x10_0800 is not a multiple of the page size (expected a multiple of 0x1000, 4 KiB)"));
        c.add(edit("region empty", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x4000_0000, 0x0, 0x7, 0]",
                "20:17: kernel.memory_regions[1].size: 0 bytes (expected a non-zero multiple of 0x1000, 4 KiB)"));
        c.add(edit("regions overlap", "[0x4000_0000, 0x10_0000, 0x7, 0]", "[0x80_0000, 0x100_0000, 0x7, 0]",
                "20:3: kernel.memory_regions[1]: 0x80_0000..0x180_0000 overlaps kernel.memory_regions[0] 0x0..0x100_0000 (expected memory regions that do not overlap)"));
        c.add(edit("region wraps the guest address space", "[0x4000_0000, 0x10_0000, 0x7, 0]",
                "[0x7fff_ffff_ffff_0000, 0x7fff_ffff_ffff_0000, 0x7, 0]",
                "20:3: kernel.memory_regions[1]: 0x7fff_ffff_ffff_0000..0xffff_ffff_fffe_0000 ends beyond the 52-bit guest-physical address space of x86_64 (expected a range that ends at or below 0x10_0000_0000_0000)"));
        c.add(edit("region beyond 52-bit x86 space", "[0x4000_0000, 0x10_0000, 0x7, 0]",
                "[0xf_ffff_ffff_f000, 0x2000, 0x7, 0]",
                "20:3: kernel.memory_regions[1]: 0xf_ffff_ffff_f000..0x10_0000_0000_1000 ends beyond the 52-bit guest-physical address space of x86_64 (expected a range that ends at or below 0x10_0000_0000_0000)"));
        c.add(edit("no memory regions", "memory_regions = [\n  [0x0, 0x100_0000, 0x7, 0],\n  [0x4000_0000, 0x10_0000, 0x7, 0],\n]",
                "memory_regions = []",
                "18:18: kernel.memory_regions: empty (expected at least one [gpa, size, flags, map_type] region of guest RAM)"));
        // --- entry and load addresses
        c.add(edit("entry point outside RAM", "entry_point = 0x8000", "entry_point = 0x2000_0000",
                "11:15: kernel.entry_point: 0x2000_0000 is outside guest RAM (expected an address inside kernel.memory_regions: 0x0..0x100_0000, 0x4000_0000..0x4010_0000)"));
        c.add(edit("kernel load address outside RAM", "kernel_load_addr = 0x20_0000", "kernel_load_addr = 0x8000_0000",
                "13:20: kernel.kernel_load_addr: 0x8000_0000 is outside guest RAM (expected an address inside kernel.memory_regions: 0x0..0x100_0000, 0x4000_0000..0x4010_0000)"));
        c.add(edit("bios path without load address", "bios_load_addr = 0x8000\n", "",
                "14:13: kernel.bios_path: is set but bios_load_addr is not (expected bios_load_addr = <guest-physical address> to load the bios at)"));
        c.add(new Case("entry_mode on aarch64", ValidTemplate.with("arch = \"x86_64\"", "arch = \"aarch64\"")
                .replace("cmdline = \"console=ttyS0\"", "cmdline = \"console=ttyS0\"\nentry_mode = \"long\""),
                "18:14: kernel.entry_mode: \"long\" is x86-only but base.arch is \"aarch64\" (expected no entry_mode for aarch64 guests)"));
        c.add(edit("paravirt_off: unknown feature", "arch = \"x86_64\"", "arch = \"x86_64\"\nparavirt_off = [\"kvm-pv-eio\"]",
                "9:17: base.paravirt_off[0]: \"kvm-pv-eio\" is not a KVM paravirtual feature (expected one of \"kvmclock\", "
                        + "\"kvm-nopiodelay\", \"kvm-asyncpf\", \"kvm-steal-time\", \"kvm-pv-eoi\", \"kvm-pv-unhalt\", "
                        + "\"kvm-pv-tlb-flush\", \"kvm-asyncpf-vmexit\", \"kvm-pv-ipi\", \"kvm-poll-control\", "
                        + "\"kvm-pv-sched-yield\", \"kvm-asyncpf-int\", \"kvm-msi-ext-dest-id\"; did you mean \"kvm-pv-eoi\"?)"));
        c.add(edit("paravirt_off: not an array", "arch = \"x86_64\"", "arch = \"x86_64\"\nparavirt_off = \"kvm-pv-eoi\"",
                "9:16: base.paravirt_off: is the string \"kvm-pv-eoi\" (expected an array of feature names, e.g. [\"kvm-pv-eoi\"])"));
        c.add(edit("paravirt_off on riscv64", "arch = \"x86_64\"", "arch = \"riscv64\"\nparavirt_off = [\"kvmclock\"]",
                "9:16: base.paravirt_off: KVM's paravirtual CPUID features are x86-only but base.arch is \"riscv64\" (expected no paravirt_off for riscv64 guests)"));
        // --- devices
        c.add(edit("device overlaps device", "[\"virtio-blk\", 0xfe00_1000", "[\"virtio-blk\", 0xfe00_0800",
                "27:3: devices.emu_devices[1]: \"virtio-blk\" 0xfe00_0800..0xfe00_1800 overlaps devices.emu_devices[0] \"uart\" 0xfe00_0000..0xfe00_1000 (expected devices at addresses no other device uses)"));
        c.add(edit("device overlaps RAM", "[\"uart\", 0xfe00_0000", "[\"uart\", 0x4000_0000",
                "26:3: devices.emu_devices[0]: \"uart\" 0x4000_0000..0x4000_1000 overlaps guest RAM kernel.memory_regions[1] 0x4000_0000..0x4010_0000 (expected devices outside guest RAM)"));
        c.add(edit("device of length zero", "[\"uart\", 0xfe00_0000, 0x1000", "[\"uart\", 0xfe00_0000, 0x0",
                "26:25: devices.emu_devices[0].length: 0 bytes (expected the size of the device's address window)"));
        c.add(edit("builtin_devices not a boolean", "interrupt_mode = \"emu\"", "interrupt_mode = \"emu\"\nbuiltin_devices = \"yes\"",
                "25:19: devices.builtin_devices: is the string \"yes\" (expected true or false)"));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> eachBrokenConfigGivesItsOneLine() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.parse(k.toml(), SRC), k.name());
            List<String> lines = e.errors().stream().map(ConfigError::line).toList();
            assertEquals(List.of(SRC + ":" + k.expected()), lines, k.name() + "\n--- toml:\n" + k.toml());
            assertEquals(SRC + ":" + k.expected(), e.getMessage());
        }));
    }

    @Test
    void theCorpusHasAtLeastFortyCasesWithDistinctMessages() {
        List<Case> all = cases();
        assertTrue(all.size() >= 40, "only " + all.size() + " cases");
        assertEquals(all.size(), all.stream().map(Case::expected).distinct().count(), "two cases give the same line");
    }

    // ---- whole-file mistakes, read from disk as the CLI reads them

    @TempDir
    Path dir;

    private String loadError(Path file) {
        ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.load(file));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void bytesThatAreNotUtf8AreNamedByLineColumnAndOffset() throws Exception {
        Path f = dir.resolve("latin1.toml");
        byte[] head = "[base]\nid = 1\nname = \"caf".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xe9; // Latin-1 é, not UTF-8
        bytes[head.length + 1] = '"';
        bytes[head.length + 2] = '\n';
        Files.write(f, bytes);
        assertEquals(f + ":3:12: file: byte 0xe9 at offset 25 is not UTF-8 text (expected a UTF-8 TOML file)", loadError(f));
    }

    @Test
    void binaryGarbageIsASyntaxErrorOnItsFirstLine() throws Exception {
        Path f = dir.resolve("garbage.toml");
        Files.write(f, new byte[] {0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, '\n', 0x03, 0x00});
        ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.load(f));
        assertTrue(e.errors().getFirst().line().startsWith(f + ":1:1: toml: unexpected '\\u007f'"), e.getMessage());
    }

    @Test
    void anEmptyFileSaysItIsEmpty() throws Exception {
        Path f = dir.resolve("empty.toml");
        Files.write(f, new byte[0]);
        assertEquals(f + ":1:1: file: empty (expected a VM config with [base], [kernel] and [devices] tables)", loadError(f));
    }

    @Test
    void aFileOfCommentsIsEmptyToo() throws Exception {
        Path f = dir.resolve("comments.toml");
        Files.writeString(f, "# nothing here yet\n\n# [base]\n");
        assertEquals(f + ":1:1: file: empty (expected a VM config with [base], [kernel] and [devices] tables)", loadError(f));
    }

    @Test
    void aTenMegabyteFileIsRefusedWithoutParsingIt() throws Exception {
        Path f = dir.resolve("huge.toml");
        String line = "# " + "x".repeat(97) + "\n";
        Files.writeString(f, ValidTemplate.TEXT + line.repeat(10 * 1024 * 1024 / line.length()));
        assertTrue(Files.size(f) >= 10_000_000);
        assertEquals(f + ":1:1: file: is larger than 1 MiB (expected a VM config of at most 1 MiB; AxVisor's are a few KiB)",
                loadError(f));
    }

    @Test
    void aByteOrderMarkIsTolerated() throws Exception {
        Path f = dir.resolve("bom.toml");
        Files.writeString(f, "\uFEFF" + ValidTemplate.TEXT);
        assertEquals("demo", AxVMConfigs.load(f).config().base().name());
        assertEquals("demo", AxVMConfigs.parse("\uFEFF" + ValidTemplate.TEXT, SRC).config().base().name());
    }

    @Test
    void aMissingFileIsOneLine() {
        Path f = dir.resolve("nope.toml");
        assertEquals(f + ": file: does not exist (expected a readable VM config file)", loadError(f));
    }

    @Test
    void aDirectoryIsOneLine() {
        assertEquals(dir + ": file: is a directory (expected a VM config file)", loadError(dir));
    }

    @Test
    void deeplyNestedArraysAreRefusedNotAStackOverflow() {
        String toml = "[base]\nid = " + "[".repeat(100_000) + "\n";
        ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.parse(toml, SRC));
        assertTrue(e.errors().getFirst().line().startsWith(SRC + ":2:"), e.getMessage());
    }

    // ---- images, which are only checked when they exist

    private Path configWithImages(long kernelSize, long biosSize) throws Exception {
        Path f = dir.resolve("vm.toml");
        Files.writeString(f, ValidTemplate.with("image_location = \"memory\"", "image_location = \"fs\""));
        sparse(dir.resolve("kernel.bin"), kernelSize);
        sparse(dir.resolve("bios.bin"), biosSize);
        return f;
    }

    private static void sparse(Path p, long size) throws Exception {
        try (var raf = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    @Test
    void aKernelOneByteTooLargeForRamIsRefused() throws Exception {
        Path f = configWithImages(0x100_0000 - 0x20_0000 + 1, 0x1000);
        assertEquals(f + ":12:15: kernel.kernel_path: the kernel is 0xe0_0001 bytes: loaded at 0x20_0000 it ends at "
                + "0x100_0001, past the end of guest RAM at 0x100_0000 (expected an image that fits in guest RAM from "
                + "kernel_load_addr)", loadError(f));
    }

    @Test
    void aKernelThatExactlyFillsRamLoads() throws Exception {
        Path f = configWithImages(0x100_0000 - 0x20_0000, 0x1000);
        LoadedConfig c = AxVMConfigs.load(f);
        assertEquals(0x20_0000, c.config().kernel().kernelLoadAddr());
    }

    @Test
    void aBiosRunningIntoTheKernelIsRefused() throws Exception {
        Path f = configWithImages(0x1000, 0x20_0000 - 0x8000 + 0x1000);
        assertEquals(f + ":14:13: kernel.bios_path: the bios at 0x8000..0x20_1000 overlaps the kernel at "
                + "0x20_0000..0x20_1000 (expected images at load addresses that do not overlap)", loadError(f));
    }

    @Test
    void anEmptyImageIsRefused() throws Exception {
        Path f = configWithImages(0x1000, 0);
        assertEquals(f + ":14:13: kernel.bios_path: \"bios.bin\" is empty (expected an image file with the guest's code or data)",
                loadError(f));
    }

    @Test
    void anImageThatIsADirectoryIsRefused() throws Exception {
        Path f = dir.resolve("vm.toml");
        Files.writeString(f, ValidTemplate.with("image_location = \"memory\"", "image_location = \"fs\"")
                .replace("bios_path = \"bios.bin\"", "bios_path = \".\""));
        sparse(dir.resolve("kernel.bin"), 0x1000);
        assertEquals(f + ":14:13: kernel.bios_path: \".\" is not a regular file (expected an image file)", loadError(f));
    }
}
