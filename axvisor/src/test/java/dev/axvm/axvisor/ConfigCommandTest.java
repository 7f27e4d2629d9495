package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code axvisor config check}: what a user sees, and the exit status, for good, AxVisor and broken configs. */
class ConfigCommandTest {

    /** What one run printed and returned. */
    private record Run(int status, List<String> out, List<String> err) {}

    private static Run check(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of("config", "check"), Arrays.stream(args)).toArray(String[]::new);
        int status = cl.execute(all);
        return new Run(status, lines(out), lines(err));
    }

    private static List<String> lines(StringWriter w) {
        String s = w.toString();
        return s.isEmpty() ? List.of() : List.of(s.split("\n", -1)).subList(0, s.split("\n", -1).length - (s.endsWith("\n") ? 1 : 0));
    }

    /** AxVisor's configs: the repository's copies in testdata/ (axvmconfig's tests check them against the originals). */
    private static Path axvisorConfigs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("testdata").resolve("axvisor-configs");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("AxVisor's configs not found in testdata/ above " + Path.of("").toAbsolutePath());
    }

    private static void assertNoStackTrace(Run r) {
        for (String line : Stream.concat(r.out().stream(), r.err().stream()).toList()) {
            assertFalse(line.startsWith("\tat ") || line.contains("Exception"), "stack trace leaked: " + line);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyAxVisorConfigIsAcceptedWithItsWarnings() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(axvisorConfigs())) {
            files = s.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
        }
        assertEquals(20, files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Run r = check(f.toString());
            assertEquals(0, r.status(), r.toString());
            assertEquals(List.of(), r.err());
            assertTrue(r.out().getFirst().matches("ok: \\S+ \\(\\d+ vCPUs, [\\d.]+ MiB RAM, \\d+ devices\\), arch host"),
                    r.out().getFirst());
            for (String w : r.out().subList(1, r.out().size())) {
                assertTrue(w.startsWith("warning: " + f + ":"), w);
            }
        }));
    }

    /**
     * AxVisor's Linux configs as the Linux scenarios boot them (testdata/axvisor-linux: kernel_path,
     * ramdisk_path and cmdline changed): they load, the passthrough entries get their warnings, and
     * cmdline is named as AxVM's extension.
     */
    @Test
    void axvisorsLinuxConfigsLoadWithTheirPassthroughWarningsAndCmdlineNamedAsAnExtension() {
        Path dir = axvisorConfigs().resolveSibling("axvisor-linux");
        for (String arch : List.of("aarch64", "riscv64")) {
            Path f = dir.resolve("linux-" + arch + "-qemu-smp1.toml");
            Run r = check(f.toString());
            assertEquals(0, r.status(), r.toString());
            assertTrue(r.out().stream().anyMatch(l -> l.startsWith("warning: " + f) && l.contains("passthrough")), r.toString());
            assertTrue(r.out().stream().anyMatch(l -> l.matches("note: " + java.util.regex.Pattern.quote(f.toString())
                    + ":\\d+:\\d+: kernel.cmdline is an AxVM extension \\(AxVisor has no such key\\): .*")), r.toString());
            assertNoStackTrace(r);
        }
    }

    @Test
    void nimbosX86IsSummarisedEachPassedThroughDeviceNamedAndTheInterruptControllersServedByKvm() {
        Path f = axvisorConfigs().resolve("nimbos-x86_64-qemu-smp1.toml");
        Run r = check(f.toString());
        assertEquals(0, r.status());
        assertEquals("ok: nimbos (1 vCPUs, 16 MiB RAM, 3 devices), arch host", r.out().getFirst());
        String advice = " (a user-space KVM host cannot give a host device to a guest: remove the entry, or emulate the device in emu_devices)";
        String irqchip = " (on x86_64, KVM's in-kernel irqchip emulates it at this address: the VM serves it, no passthrough needed)";
        assertEquals(List.of(
                "warning: " + f + ":23:18: kernel.image_location: \"memory\": the images (kernel, bios) are not read from files "
                        + "(the embedder must hand them to the VM by name, or set image_location = \"fs\" to load the files)",
                "warning: " + f + ":59:3: devices.passthrough_devices[0]: \"IO APIC\" passes host range 0xfec0_0000..0xfec0_1000 through at 0xfec0_0000" + irqchip,
                "warning: " + f + ":66:3: devices.passthrough_devices[1]: \"Local APIC\" passes host range 0xfee0_0000..0xfee0_1000 through at 0xfee0_0000" + irqchip,
                "warning: " + f + ":73:3: devices.passthrough_devices[2]: \"HPET\" passes host range 0xfed0_0000..0xfed0_1000 through at 0xfed0_0000" + advice),
                r.out().subList(1, r.out().size()));
    }

    @Test
    void ramThatIsNotWholeMebibytesIsShownWithAFraction() {
        Run r = check(axvisorConfigs().resolve("linux-aarch64-rk3588-smp8.toml").toString());
        assertEquals("ok: linux (8 vCPUs, 3413.01 MiB RAM, 6 devices), arch host", r.out().getFirst());
    }

    @TempDir
    Path dir;

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String CLEAN = """
            [base]
            id = 1
            name = "demo"
            cpu_num = 2
            arch = "x86_64"

            [kernel]
            entry_point = 0x20_0000
            kernel_path = "kernel.bin"
            kernel_load_addr = 0x20_0000
            memory_regions = [
              [0x0, 0x100_0000, 0x7, 0],
              [0x4000_0000, 0x10_0000, 0x7, 0],
            ]

            [devices]
            emu_devices = [
              ["uart", 0xfe00_0000, 0x1000, 4, 0x2, []],
            ]
            passthrough_devices = []
            """;

    @Test
    void aCleanConfigPrintsTheOkLineAndNamesTheExtensionKeyItUses() throws IOException {
        Path f = write("vm.toml", CLEAN);
        try (RandomAccessFile k = new RandomAccessFile(dir.resolve("kernel.bin").toFile(), "rw")) {
            k.setLength(0x10_0000);
        }
        Run r = check(f.toString());
        assertEquals(new Run(0, List.of("ok: demo (2 vCPUs, 17 MiB RAM, 1 devices), arch x86_64",
                "note: " + f + ":5:8: base.arch is an AxVM extension (AxVisor has no such key): which architecture the "
                        + "guest is for (AxVisor builds one binary per architecture)"), List.of()), r);
    }

    @Test
    void aMistakeIsOneErrorLineOnStderrAndExitOne() {
        Path f = write("vm.toml", CLEAN.replace("cpu_num = 2", "cpu_num = 0"));
        Run r = check(f.toString());
        assertEquals(new Run(1, List.of(), List.of("error: " + f + ":4:11: base.cpu_num: 0 vCPUs (expected at least 1)")), r);
    }

    @Test
    void aMissingKeyComesWithTheWarningThatExplainsIt() {
        Path f = write("vm.toml", CLEAN.replace("cpu_num = 2", "cpu_nun = 2"));
        Run r = check(f.toString());
        assertEquals(1, r.status());
        assertEquals(List.of(
                "error: " + f + ":1:1: base.cpu_num: missing (expected cpu_num = <number of vCPUs>, e.g. cpu_num = 1)",
                "warning: " + f + ":4:1: base.cpu_nun: unknown key (ignored; did you mean cpu_num?)"), r.err());
    }

    @Test
    void everyBrokenRuleIsReportedAtOnceInFileOrder() {
        Path g = write("vm2.toml", CLEAN.replace("[0x0, 0x100_0000", "[0x800, 0x100_0000").replace("cpu_num = 2", "cpu_num = 0"));
        Run r2 = check(g.toString());
        assertEquals(List.of(
                "error: " + g + ":4:11: base.cpu_num: 0 vCPUs (expected at least 1)",
                "error: " + g + ":12:4: kernel.memory_regions[0].gpa: 0x800 is not page-aligned (expected a multiple of 0x1000, 4 KiB)"),
                r2.err());
    }

    @Test
    void aMissingFileIsOneLineNotAStackTrace() {
        Path f = dir.resolve("nope.toml");
        Run r = check(f.toString());
        assertEquals(new Run(1, List.of(), List.of("error: " + f + ": file: does not exist (expected a readable VM config file)")), r);
    }

    @Test
    void garbageIsErrorLinesNotAStackTrace() throws IOException {
        Path f = dir.resolve("garbage.toml");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '[', '\n'});
        Run r = check(f.toString());
        assertEquals(1, r.status());
        assertEquals(List.of("error: " + f + ":1:1: file: byte 0xff at offset 0 is not UTF-8 text (expected a UTF-8 TOML file)"), r.err());
        Path g = write("syntax.toml", "[base\nid = = 1\n");
        Run r2 = check(g.toString());
        assertEquals(1, r2.status());
        assertFalse(r2.err().isEmpty());
        for (String line : r2.err()) {
            assertTrue(line.startsWith("error: " + g + ":"), line);
        }
        assertNoStackTrace(r);
        assertNoStackTrace(r2);
    }

    @Test
    void aNameWithANewlineStaysOnTheOkLine() throws IOException {
        Path f = write("vm.toml", CLEAN.replace("name = \"demo\"", "name = \"two\\nlines\""));
        try (RandomAccessFile k = new RandomAccessFile(dir.resolve("kernel.bin").toFile(), "rw")) {
            k.setLength(0x1000);
        }
        assertEquals("ok: two\\u000alines (2 vCPUs, 17 MiB RAM, 1 devices), arch x86_64", check(f.toString()).out().getFirst());
    }

    @Test
    void noFileIsAUsageError() {
        Run r = check();
        assertEquals(2, r.status());
        assertTrue(r.err().getFirst().contains("Missing required parameter: 'FILE'"), r.err().toString());
        assertNoStackTrace(r);
    }
}
