package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.vcpu.ExitReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The guests' scenario.h and the Java side agree on every address, register, line, code and value. */
class ScenarioHeaderTest {
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(\\w+)\\s+(-?(?:0x[0-9a-fA-F]+|[0-9]+))\\b");

    private static Map<String, Long> defines(ScenarioMachine machine) throws IOException {
        Path header = Path.of("..", "native", "guests", machine.archName(), "scenario.h");
        Map<String, Long> out = new HashMap<>();
        for (String line : Files.readAllLines(header)) {
            Matcher m = DEFINE.matcher(line);
            if (m.find()) {
                String v = m.group(2);
                boolean negative = v.startsWith("-");
                String digits = negative ? v.substring(1) : v;
                long value = digits.startsWith("0x") ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseLong(digits);
                out.put(m.group(1), negative ? -value : value);
            }
        }
        return out;
    }

    private static long get(Map<String, Long> d, String name, ScenarioMachine machine) {
        Long v = d.get(name);
        assertTrue(v != null, machine.archName() + "/scenario.h defines " + name);
        return v;
    }

    @ParameterizedTest
    @EnumSource(ScenarioMachine.class)
    void theDeviceAndItsLineAreWhereTheJavaSidePutsThem(ScenarioMachine machine) throws IOException {
        Map<String, Long> d = defines(machine);
        assertEquals(machine.deviceBase(), get(d, "SCENARIO_DEV", machine));
        assertEquals(ScenarioDevice.DATA, get(d, "DEV_DATA", machine));
        assertEquals(ScenarioDevice.REPORT, get(d, "DEV_REPORT", machine));
        assertEquals(ScenarioDevice.RAISE, get(d, "DEV_RAISE", machine));
        assertEquals(ScenarioDevice.ACK, get(d, "DEV_ACK", machine));
        assertEquals(ScenarioDevice.FAIL, get(d, "DEV_FAIL", machine));
        assertEquals(machine.irqLine(), get(d, "IRQ_LINE", machine));
    }

    @ParameterizedTest
    @EnumSource(ScenarioMachine.class)
    void failureCodesMeanTheSameOnBothSides(ScenarioMachine machine) throws IOException {
        Map<String, Long> d = defines(machine);
        for (GuestFailure f : GuestFailure.values()) {
            assertEquals(f.code(), get(d, "FAIL_" + f.name(), machine), f.name());
        }
        assertEquals(GuestFailure.values().length, d.keySet().stream().filter(k -> k.startsWith("FAIL_")).count(),
                "every FAIL_ code has a GuestFailure");
    }

    @ParameterizedTest
    @EnumSource(ScenarioMachine.class)
    void theGuestExpectsTheAnswerTheHandlerGives(ScenarioMachine machine) throws IOException {
        Map<String, Long> d = defines(machine);
        assertEquals(ScenarioHypercalls.NUMBER, get(d, "HC_NR", machine));
        assertEquals(ChaosScenario.BOOTS, get(d, "CHAOS_BOOTS", machine));
        for (int i = 0; i < 6; i++) {
            assertEquals(ScenarioHypercalls.ARGUMENTS.get(i), get(d, "HC_A" + i, machine), "HC_A" + i);
        }
        List<Long> a = ScenarioHypercalls.ARGUMENTS;
        long answer = ScenarioHypercalls.answer(new ExitReason.Hypercall(ScenarioHypercalls.NUMBER, a.get(0), a.get(1),
                a.get(2), a.get(3), a.get(4), a.get(5)));
        assertEquals(answer, get(d, "HC_ANSWER", machine), "HC_ANSWER = nr + 1*a0 + ... + 6*a5");
    }

    @ParameterizedTest
    @EnumSource(ScenarioMachine.class)
    void theSecondVcpuIsStartedWithWhatTheSmpCheckExpects(ScenarioMachine machine) throws IOException {
        Map<String, Long> d = defines(machine);
        assertEquals(SmpScenario.ARGUMENT, get(d, "SMP_ARG", machine));
        assertEquals(SmpScenario.FLAG, get(d, "SMP_FLAG", machine));
    }
}
