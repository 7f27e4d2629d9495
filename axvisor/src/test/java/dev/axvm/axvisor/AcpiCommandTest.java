package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code axvisor acpi}: the tables of an x86_64 config, one file each, which iasl decodes. */
class AcpiCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, List<String> err) {}

    private static Run acpi(String... args) {
        CommandLine cl = Main.commandLine(new ConsoleStreams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                false, false));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "acpi";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cl.execute(all), err.toString().lines().toList());
    }

    @Test
    void writesEachTableOfAnX86ConfigAndIaslDecodesThem() throws Exception {
        Path out = dir.resolve("tables");
        Run r = acpi(TestGuests.EXAMPLES.resolve("hello-x86_64.toml").toString(), "-o", out.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().getLast().startsWith("note: wrote 5 tables (RSDP, XSDT, FACP, DSDT, APIC) to "), r.toString());
        for (String t : List.of("rsdp", "xsdt", "facp", "dsdt", "apic")) {
            assertTrue(Files.size(out.resolve(t + ".dat")) >= 36, t);
        }
        assumeTrue(iasl(), "iasl is not installed (Debian package acpica-tools): it decodes the tables");
        for (String t : List.of("xsdt", "facp", "dsdt", "apic")) {
            Process p = new ProcessBuilder("iasl", "-d", out.resolve(t + ".dat").toString()).directory(out.toFile())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), log);
            assertTrue(!log.contains("Error") && !log.contains("Warning"), log);
        }
        assertTrue(Files.readString(out.resolve("dsdt.dsl")).contains("PNP0501"));
    }

    @Test
    void anotherArchitectureIsOneLineAndExitOne() {
        Run r = acpi(TestGuests.EXAMPLES.resolve("hello-aarch64.toml").toString(), "-o", dir.resolve("t").toString());
        assertEquals(1, r.status());
        List<String> messages = r.err().stream().filter(l -> !l.startsWith("warning: ") && !l.startsWith("note: ")).toList();
        assertEquals(1, messages.size(), r.toString());
        assertTrue(messages.getFirst().endsWith("ACPI tables describe x86_64 guests; this config is for aarch64"), r.toString());
    }

    private static boolean iasl() {
        try {
            return new ProcessBuilder("iasl", "-v").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
