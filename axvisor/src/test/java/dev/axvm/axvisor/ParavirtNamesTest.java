package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axvm.config.ParavirtFeature;
import dev.axvm.vcpu.x86.CpuidPolicy;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The config's paravirt_off names and the x86 vCPU's CPUID policy name the same features. */
class ParavirtNamesTest {
    @Test
    void everyConfigFeatureNameIsOneTheX86PolicyCanTurnOffAndNoneIsMissing() {
        Set<String> config = Arrays.stream(ParavirtFeature.values()).map(ParavirtFeature::tomlName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(config, new TreeSet<>(CpuidPolicy.paravirtFeatureNames()));
    }
}
