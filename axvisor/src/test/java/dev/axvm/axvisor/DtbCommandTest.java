package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code axvisor dtb}: what it refuses before building anything. (The trees it writes are checked
 * where a VM of their architecture can be built: LinuxBootTest with the scripted backend, and the
 * --linux scenarios with dtc on real KVM.)
 */
class DtbCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, List<String> err) {}

    private static Run dtb(boolean stdoutIsTerminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = Main.commandLine(new ConsoleStreams(new ByteArrayInputStream(new byte[0]), out, false,
                stdoutIsTerminal));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "dtb";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = cl.execute(all);
        return new Run(status, out.toString(), err.toString().lines().toList());
    }

    @Test
    void aBinaryTreeIsNotWrittenToATerminal() {
        Run r = dtb(true, "vm.toml");
        assertEquals(new Run(1, "", List.of("axvisor: a DTB is binary: give -o FILE or redirect stdout")), r);
    }

    @Test
    void aConfigThatDoesNotLoadIsItsErrorLinesAndNothingElse() {
        Path missing = dir.resolve("nope.toml");
        Run r = dtb(false, missing.toString(), "-o", dir.resolve("x.dtb").toString());
        assertEquals(1, r.status());
        assertEquals(List.of("error: " + missing + ": file: does not exist (expected a readable VM config file)"), r.err());
    }

    @Test
    void anX86VmHasNoTreeOrNoKvmHereEitherWayOneLineAndExitOne() {
        Path example = TestGuests.EXAMPLES.resolve("hello-x86_64.toml");
        Run r = dtb(false, example.toString(), "-o", dir.resolve("x.dtb").toString());
        assertEquals(1, r.status(), r.toString());
        List<String> messages = r.err().stream().filter(l -> !l.startsWith("warning: ") && !l.startsWith("note: ")).toList();
        assertEquals(1, messages.size(), r.toString());
        assertTrue(messages.getFirst().startsWith("axvisor: "), r.toString());
        assertFalse(messages.getFirst().contains("Exception"), r.toString());
    }
}
