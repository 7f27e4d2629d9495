package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axvm.testing.Seeds;
import org.junit.jupiter.api.Test;

/**
 * Random valid configs (seeded) → TOML → parse → the same records. {@code -Daxvm.seed=N} replays one case.
 */
class RoundTripTest {
    private static final int CASES = 600;

    @Test
    void randomValidConfigsSurviveTomlUnchanged() {
        for (long seed : Seeds.forCases("RoundTripTest", CASES)) {
            roundTrip(seed);
        }
    }

    private static void roundTrip(long seed) {
        String why = Seeds.replay(seed);
        AxVMConfig original;
        try {
            original = RandomConfigs.generate(seed);
        } catch (ConfigException e) {
            throw new AssertionError("the generator made an invalid config, " + why + ":\n" + e.getMessage(), e);
        }
        String toml = AxVMConfigs.toToml(original);
        AxVMConfig parsed;
        try {
            parsed = AxVMConfigs.parse(toml, "roundtrip.toml").config();
        } catch (ConfigException e) {
            throw new AssertionError("written config does not parse, " + why + ":\n" + e.getMessage() + "\n--- toml:\n" + toml, e);
        }
        assertEquals(original.base(), parsed.base(), why);
        assertEquals(original.kernel(), parsed.kernel(), why);
        assertEquals(original.devices(), parsed.devices(), why);
        assertEquals(toml, AxVMConfigs.toToml(parsed), "writing is not stable, " + why);
    }
}
