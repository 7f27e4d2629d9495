package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite itself, without KVM: its list, and scenarios that cannot run failing with the reason. */
class ScenarioSuiteTest {
    /** A class loader that has no resources at all. */
    private static final ClassLoader EMPTY = new ClassLoader(null) {
        @Override
        public InputStream getResourceAsStream(String name) {
            return null;
        }
    };

    @Test
    void theListIsTheSameOnEveryArchitecture() {
        assertEquals(List.of("console", "mmio", "hypercall", "smp", "interrupt", "power-off", "chaos"), ScenarioSuite.names());
    }

    @Test
    void everyScenarioWithoutItsGuestFailsNamingTheImage() throws InterruptedException {
        for (ScenarioMachine m : ScenarioMachine.values()) {
            List<ScenarioResult> seen = new ArrayList<>();
            List<ScenarioResult> results = new ScenarioSuite(m, Duration.ofSeconds(5), new ScenarioGuests(EMPTY))
                    .run(List.of(), seen::add);
            assertEquals(results, seen, "each result is handed over as it is known");
            assertEquals(ScenarioSuite.names(), results.stream().map(ScenarioResult::name).toList());
            for (ScenarioResult r : results) {
                assertEquals(false, r.passed(), r.line());
                assertEquals(m.archName(), r.arch());
                assertTrue(r.detail().startsWith("guest image guests/" + m.archName() + "/scenario-" + r.name()
                        + ".bin not found"), r.line());
            }
        }
    }

    @Test
    void aSubsetRunsInTheSuitesOrderAndUnknownNamesAreRefusedFirst() throws InterruptedException {
        ScenarioSuite suite = new ScenarioSuite(ScenarioMachine.RISCV64, Duration.ofSeconds(5), new ScenarioGuests(EMPTY));
        assertEquals(List.of("mmio", "power-off"), suite.run(List.of("power-off", "mmio"), r -> { })
                .stream().map(ScenarioResult::name).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> suite.run(List.of("console", "reboot"), r -> { }));
        assertEquals("unknown scenario 'reboot' (scenarios: console, mmio, hypercall, smp, interrupt, power-off, chaos)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScenarioSuite(ScenarioMachine.X86_64, Duration.ZERO));
    }
}
