package com.example.vmm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The project README's embedding snippet is this project's code, region by region, so it cannot rot. */
class ReadmeSnippetTest {
    private static final Path SOURCE = Path.of("src/main/java/com/example/vmm/TinyVmm.java");

    @ParameterizedTest
    @ValueSource(strings = {"embed", "run"})
    void theReadmeShowsTheTaggedRegionVerbatim(String tag) throws IOException {
        Path readme = Path.of(System.getProperty("axvm.readme", "../../README.md"));
        assumeTrue(Files.exists(readme), () -> readme + " is not here: this copy of the example lives outside the repository");
        String region = dedent(region(Files.readString(SOURCE), tag));
        String text = Files.readString(readme);
        assertTrue(text.contains(region), () -> readme + " lacks the '" + tag + "' region of " + SOURCE + ":\n" + region);
    }

    private static String region(String source, String tag) {
        Matcher m = Pattern.compile("// tag::" + tag + "\\[\\]\\R(.*?)^\\s*// end::" + tag + "\\[\\]",
                Pattern.DOTALL | Pattern.MULTILINE).matcher(source);
        assertTrue(m.find(), "no region '" + tag + "' in " + SOURCE);
        return m.group(1);
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return out.toString();
    }
}
