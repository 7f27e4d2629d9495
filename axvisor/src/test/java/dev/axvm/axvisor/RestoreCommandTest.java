package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code axvisor restore} and {@code run}'s snapshot options, where no KVM is needed: what they refuse, in one line. */
class RestoreCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String err) {}

    private static Run axvisor(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void aMissingSnapshotIsRefusedNamingTheFile() {
        Path missing = dir.resolve("missing.axsnap");
        Run r = axvisor("restore", missing.toString());
        assertEquals(1, r.status());
        assertEquals("axvisor: " + missing + ": cannot open: " + missing, r.err().strip());
    }

    @Test
    void aFileThatIsNoSnapshotIsRefusedInOneLine() throws IOException {
        Path junk = dir.resolve("junk.axsnap");
        Files.write(junk, new byte[8192]);
        Run r = axvisor("restore", junk.toString());
        assertEquals(1, r.status());
        assertEquals("axvisor: " + junk + ": not an AxVM snapshot (no AXVMSNAP magic at offset 0)", r.err().strip());
    }

    @Test
    void snapshotOnWithoutAFileIsRefused() {
        Run r = axvisor("run", "--snapshot-on", "marker", dir.resolve("vm.toml").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--snapshot-on and --snapshot-to go together"), r.err());
    }

    @Test
    void diffWithoutSnapshotOnIsRefused() {
        Run r = axvisor("restore", "--diff", dir.resolve("vm.axsnap").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--diff goes with --snapshot-on and --snapshot-to"), r.err());
    }
}
