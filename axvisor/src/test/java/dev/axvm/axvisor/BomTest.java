package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM an embedder imports (bom/pom.xml, which has no parent) names every library module of the
 * reactor, in the reactor's version.
 */
class BomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> NOT_PUBLISHED_FOR_EMBEDDERS = Set.of("bom", "testing", "benchmarks");

    private static String firstMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : "(none)";
    }

    private static List<String> all(String text, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void theBomNamesEveryLibraryModuleInTheReactorsVersion() throws IOException {
        String reactor = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        assertEquals(firstMatch(reactor, "</artifactId>\\s*<version>([^<]+)</version>"),
                firstMatch(bom, "<axvm.version>([^<]+)</axvm.version>"), "bom/pom.xml's axvm.version");
        assertEquals(firstMatch(reactor, "</artifactId>\\s*<version>([^<]+)</version>"),
                firstMatch(bom, "<artifactId>axvm-bom</artifactId>\\s*<version>([^<]+)</version>"), "the BOM's own version");

        Set<String> modules = new TreeSet<>();
        for (String module : all(reactor, "<module>([^<]+)</module>")) {
            if (!NOT_PUBLISHED_FOR_EMBEDDERS.contains(module)) {
                modules.add(firstMatch(Files.readString(ROOT.resolve(module).resolve("pom.xml")),
                        "</parent>\\s*<artifactId>([^<]+)</artifactId>"));
            }
        }
        assertEquals(modules, new TreeSet<>(all(bom, "<artifactId>((?!axvm-bom)[^<]+)</artifactId>")));
    }
}
