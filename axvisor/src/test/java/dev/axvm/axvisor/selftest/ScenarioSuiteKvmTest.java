package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.kvm.KvmAvailability;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenario suite on this machine's x86_64 KVM: every scenario passes with its own guest, and
 * the checks fail when the guest does something else.
 */
class ScenarioSuiteKvmTest {
    private static final ClassLoader GUESTS = ScenarioSuiteKvmTest.class.getClassLoader();

    @BeforeAll
    static void requireX86Kvm() {
        assumeTrue(ScenarioMachine.host().orElse(null) == ScenarioMachine.X86_64,
                "the x86_64 scenario guests; this host is " + System.getProperty("os.arch"));
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
    }

    /** Guests where every scenario's image is {@code replacement}'s instead. */
    private static ScenarioGuests everyGuestIs(String replacement) {
        return new ScenarioGuests(new ClassLoader(null) {
            @Override
            public InputStream getResourceAsStream(String name) {
                return GUESTS.getResourceAsStream(name.startsWith("guests/x86_64/scenario-")
                        ? "guests/x86_64/" + replacement + ".bin" : name);
            }
        });
    }

    private static Map<String, ScenarioResult> byName(List<ScenarioResult> results) {
        return results.stream().collect(Collectors.toMap(ScenarioResult::name, Function.identity()));
    }

    @Test
    void everyScenarioPassesOnX86Kvm() throws InterruptedException {
        List<ScenarioResult> results = new ScenarioSuite(ScenarioMachine.X86_64, Duration.ofSeconds(30)).run(List.of(), r -> { });
        assertEquals(ScenarioSuite.names(), results.stream().map(ScenarioResult::name).toList());
        for (ScenarioResult r : results) {
            assertTrue(r.passed(), r.line());
            assertEquals("x86_64", r.arch());
        }
    }

    @Test
    void withTheConsoleGuestInEveryVmOnlyTheConsoleScenarioPasses() throws InterruptedException {
        Map<String, ScenarioResult> r = byName(new ScenarioSuite(ScenarioMachine.X86_64, Duration.ofSeconds(30),
                everyGuestIs("scenario-console")).run(List.of(), x -> { }));
        assertTrue(r.get("console").passed(), r.get("console").line());
        for (String name : List.of("mmio", "hypercall", "smp", "interrupt", "power-off", "chaos")) {
            assertFalse(r.get(name).passed(), name + " must notice the wrong guest");
        }
        assertTrue(r.get("mmio").detail().startsWith("console \"console: hello from x86_64 on COM1\\n\", expected "),
                r.get("mmio").line());
        assertEquals("the handler got 0 calls, expected 1: []", r.get("hypercall").detail());
    }

    @Test
    void aGuestThatNeverStopsFailsAtTheTimeLimit() throws InterruptedException {
        ScenarioResult r = new ScenarioSuite(ScenarioMachine.X86_64, Duration.ofSeconds(1), everyGuestIs("spin"))
                .run(List.of("console"), x -> { }).getFirst();
        assertFalse(r.passed());
        assertTrue(r.detail().startsWith("the VM did not stop by itself within 1 s (the host stopped it); console \"\""),
                r.line());
        assertTrue(r.millis() >= 1000, r.line());
    }

    @Test
    void aGuestThatPowersOffByAnotherRouteStillPassesOnlyTheChecksItMeets() throws InterruptedException {
        // The smp guest in the power-off scenario's VM: it powers off in order, but prints other lines.
        ScenarioResult r = new ScenarioSuite(ScenarioMachine.X86_64, Duration.ofSeconds(30), everyGuestIs("scenario-smp"))
                .run(List.of("power-off"), x -> { }).getFirst();
        assertFalse(r.passed());
        assertTrue(r.detail().startsWith("console \"smp: vCPU 0 up, starting vCPU 1\\n"), r.line());
    }
}
