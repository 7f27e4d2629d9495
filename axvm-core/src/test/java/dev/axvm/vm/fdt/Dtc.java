package dev.axvm.vm.fdt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The device tree compiler (Debian's device-tree-compiler), a test-time tool: the tests that need it
 * skip, naming it, where it is not installed.
 */
public final class Dtc {
    /** What dtc printed: the output, and its warnings. */
    public record Result(String out, String err) {}

    private Dtc() {}

    public static void require() {
        assumeTrue(available(), "dtc is not installed (Debian package device-tree-compiler): it decompiles the blobs");
    }

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("dtc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code dtc -I <in> -O <out>} over {@code input}. */
    public static Result run(String in, String out, byte[] input) throws IOException, InterruptedException {
        Path file = Files.createTempFile("axvm-dtc", "." + in);
        Path stderr = Files.createTempFile("axvm-dtc", ".err");
        try {
            Files.write(file, input);
            Process p = new ProcessBuilder(List.of("dtc", "-I", in, "-O", out, "-o", "-", file.toString()))
                    .redirectError(stderr.toFile()).start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("dtc failed: " + Files.readString(stderr));
            }
            return new Result(new String(stdout, StandardCharsets.ISO_8859_1),
                    Files.readString(stderr).replace(file.toString(), "<input>"));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(stderr);
        }
    }
}
