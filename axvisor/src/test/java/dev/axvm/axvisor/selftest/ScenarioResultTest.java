package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines the harness reads back, and how guest text is quoted into them. */
class ScenarioResultTest {
    @Test
    void aResultIsOneProtocolLine() {
        assertEquals("AXVM-SCENARIO PASS riscv64 smp: fine (12 ms)", new ScenarioResult("riscv64", "smp", true, "fine", 12).line());
        assertEquals("AXVM-SCENARIO FAIL x86_64 mmio: a | b | c (0 ms)",
                new ScenarioResult("x86_64", "mmio", false, "a\nb\r\nc", 0).line());
    }

    @Test
    void guestTextIsQuotedOnOneLineWithControlCharactersEscaped() {
        assertEquals("\"hi\\n\\\"x\\\" \\\\ \\x1b[0m\\x7f\"", GuestRun.quote("hi\n\"x\" \\ \u001b[0m\u007f"));
        assertEquals("[0x0, 0xffffffffffffffff]", GuestRun.hex(List.of(0L, -1L)));
    }

    @Test
    void failureCodesAreDescribedAndUnknownOnesNamed() {
        assertEquals("the interrupt was never taken (bounded wait ran out) (code 3)", GuestFailure.describe(3));
        assertEquals("unknown failure code 0x2a", GuestFailure.describe(42));
    }
}
