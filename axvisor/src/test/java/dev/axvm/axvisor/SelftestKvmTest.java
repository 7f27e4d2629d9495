package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code axvisor selftest} on this machine's x86_64 KVM, through the command line. */
class SelftestKvmTest {
    @BeforeAll
    static void requireKvm() {
        TestGuests.requireX86Kvm();
    }

    private record Outcome(int status, List<String> out, String err) {}

    private static Outcome selftest(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new ConsoleStreams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "selftest";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = cl.execute(all);
        return new Outcome(status, out.toString().lines().toList(), err.toString());
    }

    @Test
    void everyScenarioPassesAndTheLastLineCountsThem() {
        Outcome o = selftest();
        assertEquals(0, o.status(), String.join("\n", o.out()) + o.err());
        List<String> names = List.of("console", "mmio", "hypercall", "smp", "interrupt", "power-off", "chaos");
        assertEquals(names.size() + 1, o.out().size(), String.join("\n", o.out()));
        for (int i = 0; i < names.size(); i++) {
            String line = o.out().get(i);
            assertTrue(line.startsWith("AXVM-SCENARIO PASS x86_64 " + names.get(i) + ": "), line);
            assertTrue(line.matches(".* \\(\\d+ ms\\)$"), line);
        }
        assertEquals("scenarios: 7 passed, 0 failed", o.out().getLast());
        assertEquals("", o.err());
    }

    @Test
    void namedScenariosRunAlone() {
        Outcome o = selftest("interrupt", "console");
        assertEquals(0, o.status(), o.err());
        assertEquals(3, o.out().size(), String.join("\n", o.out()));
        assertTrue(o.out().get(0).startsWith("AXVM-SCENARIO PASS x86_64 console: "));
        assertTrue(o.out().get(1).startsWith("AXVM-SCENARIO PASS x86_64 interrupt: "));
        assertEquals("scenarios: 2 passed, 0 failed", o.out().get(2));
    }

    @Test
    void usageErrorsAreStatusTwoWithOneLine() {
        Outcome unknown = selftest("reboot");
        assertEquals(2, unknown.status());
        assertEquals(List.of(), unknown.out());
        assertEquals("axvisor: unknown scenario 'reboot' (scenarios: console, mmio, hypercall, smp, interrupt, power-off, chaos)\n",
                unknown.err());
        Outcome timeout = selftest("--timeout", "0");
        assertEquals(2, timeout.status());
        assertEquals("axvisor: --timeout wants a positive number of seconds, got 0\n", timeout.err());
    }
}
