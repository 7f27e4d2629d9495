package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Configs damaged at random (seeded): whatever the damage, the loader either loads the config or
 * throws a {@link ConfigException} whose every line has the {@code file:line:column: field: what (expected …)}
 * form, on a line the file has. Nothing else escapes. {@code -Daxvm.seed=N} replays one case.
 */
class HostileInputTest {
    private static final int CASES = 2000;
    private static final String SRC = "fuzz.toml";
    private static final Pattern ERROR = Pattern.compile("fuzz\\.toml:(\\d+):(\\d+): [^\\n:]+: [^\\n]+ \\(expected [^\\n]+\\)");
    private static final Pattern WARNING = Pattern.compile("fuzz\\.toml(:(\\d+):(\\d+))?: [^\\n:]+: [^\\n]+ \\([^\\n]+\\)");
    private static final String[] PIECES = {"[", "]", "{", "}", "=", "\"", "'", ",", ".", "#", "\n", " ", "0x", "_", "-",
        "9223372036854775807", "-1", "0", "1e3", "true", "[[base]]", "[kernel]", "[devices]", "\\u0000", "\\", "\u0000",
        "\uFEFF", "é", "memory_regions = [", "cpu_num = ", "inf", "nan", "1979-05-27T07:32:00Z", "\"\"\"", "'''"};

    @Test
    void damagedConfigsGiveOneLineErrorsAndNothingElse() throws Exception {
        List<String> bases = new ArrayList<>(List.of(ValidTemplate.TEXT));
        for (var f : AxVisorConfigs.files()) {
            bases.add(Files.readString(f));
        }
        for (long seed : Seeds.forCases("HostileInputTest", CASES)) {
            attempt(seed, bases);
        }
    }

    @Test
    void aStrayDotInAnArrayStillSaysWhatIsExpected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AxVMConfigs.parse(ValidTemplate.with("phys_cpu_ids = [0x0, 0x1]", "phys_cpu_ids = [0x0,."), SRC));
        assertTrue(e.errors().stream().anyMatch(x -> x.line().endsWith("unexpected end of line (expected valid TOML)")),
                e.getMessage());
        for (ConfigError err : e.errors()) {
            assertTrue(ERROR.matcher(err.line()).matches(), err.line());
        }
    }

    private static void attempt(long seed, List<String> bases) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] bytes = damage(r, bases.get(r.nextInt(bases.size())).getBytes(StandardCharsets.UTF_8));
        String why = Seeds.replay(seed);
        int lines = 1;
        for (byte b : bytes) {
            lines += b == '\n' ? 1 : 0;
        }
        try {
            LoadedConfig c = AxVMConfigs.parse(bytes, SRC);
            for (ConfigWarning w : c.warnings()) {
                assertTrue(WARNING.matcher(w.line()).matches(), why + ": warning " + w.line());
            }
        } catch (ConfigException e) {
            assertTrue(!e.errors().isEmpty(), why);
            for (ConfigError err : e.errors()) {
                var m = ERROR.matcher(err.line());
                assertTrue(m.matches(), why + ": error " + err.line());
                int line = Integer.parseInt(m.group(1));
                assertTrue(line >= 1 && line <= lines, why + ": line " + line + " of " + lines + ": " + err.line());
            }
            for (ConfigWarning w : e.warnings()) {
                assertTrue(WARNING.matcher(w.line()).matches(), why + ": warning " + w.line());
            }
        } catch (RuntimeException | StackOverflowError e) {
            fail(why + ": " + e + "\n--- input:\n" + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] damage(SplittableRandom r, byte[] in) {
        List<Byte> b = new ArrayList<>(in.length + 64);
        for (byte x : in) {
            b.add(x);
        }
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.size());
            switch (r.nextInt(6)) {
                case 0 -> { // delete a run
                    for (int k = r.nextInt(1, 12); k > 0 && at < b.size(); k--) {
                        b.remove(at);
                    }
                }
                case 1 -> insert(b, at, PIECES[r.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
                case 2 -> insert(b, at, new byte[] {(byte) r.nextInt(256)});
                case 3 -> { // repeat a run, like a pasted line
                    int len = Math.min(b.size() - at, r.nextInt(1, 80));
                    List<Byte> copy = new ArrayList<>(b.subList(at, at + len));
                    b.addAll(Math.min(b.size(), at + len), copy);
                }
                case 4 -> { // change a digit, often inside an address
                    if (!b.isEmpty()) {
                        b.set(at, (byte) "0123456789abcdefx_".charAt(r.nextInt(18)));
                    }
                }
                default -> { // cut the file short
                    while (b.size() > at) {
                        b.removeLast();
                    }
                }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static void insert(List<Byte> b, int at, byte[] piece) {
        for (int i = 0; i < piece.length; i++) {
            b.add(Math.min(at + i, b.size()), piece[i]);
        }
    }
}
