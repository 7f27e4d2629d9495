package dev.axvm.axvisor.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Kernel releases as Debian spells them, and the measured KVM behaviour tied to them. */
class HostKernelTest {
    @Test
    void debianReleasesParse() {
        assertEquals(new HostKernel("6.1.0-41-arm64", 6, 1), HostKernel.parse("6.1.0-41-arm64"));
        assertEquals(new HostKernel("6.12.57+deb13-riscv64", 6, 12), HostKernel.parse("6.12.57+deb13-riscv64"));
        assertEquals(new HostKernel("6.8", 6, 8), HostKernel.parse("6.8"));
    }

    @Test
    void aReleaseWithoutMajorAndMinorIsRefusedWithItsText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostKernel.parse("linux"));
        assertTrue(e.getMessage().contains("'linux'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostKernel.parse(""));
        assertThrows(IllegalArgumentException.class, () -> HostKernel.parse("6"));
    }

    @Test
    void measuredBehaviourFollowsTheVersion() {
        HostKernel bookworm = HostKernel.parse("6.1.0-41-arm64");
        HostKernel trixie = HostKernel.parse("6.12.57+deb13-arm64");
        assertTrue(bookworm.mmioLoadsLoseSignExtension());
        assertTrue(trixie.mmioLoadsLoseSignExtension());
        assertFalse(HostKernel.parse("6.13.0").mmioLoadsLoseSignExtension());
        assertFalse(bookworm.armForwardsHvcAndCpuOn());
        assertTrue(HostKernel.parse("6.4.0").armForwardsHvcAndCpuOn());
        assertTrue(trixie.armForwardsHvcAndCpuOn());
        assertTrue(HostKernel.parse("7.0").atLeast(6, 13));
        assertFalse(HostKernel.parse("5.19").atLeast(6, 1));
    }
}
