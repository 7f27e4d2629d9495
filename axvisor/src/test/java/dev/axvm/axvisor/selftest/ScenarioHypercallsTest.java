package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axvm.vcpu.ExitReason;
import org.junit.jupiter.api.Test;

/** The scenario hypercall service answers every call but keeps only a bounded record of them. */
class ScenarioHypercallsTest {
    @Test
    void aGuestCallingWithoutEndCannotGrowTheRecordPastItsBound() {
        ScenarioHypercalls service = new ScenarioHypercalls();
        ExitReason.Hypercall call = new ExitReason.Hypercall(ScenarioHypercalls.NUMBER, 1, 2, 3, 4, 5, 6);
        for (int i = 0; i < ScenarioHypercalls.KEPT + 500; i++) {
            assertEquals(ScenarioHypercalls.answer(call), service.handle(null, 0, call));
        }
        assertEquals(ScenarioHypercalls.KEPT, service.calls().size());
    }
}
