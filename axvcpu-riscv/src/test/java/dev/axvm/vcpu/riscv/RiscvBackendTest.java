package dev.axvm.vcpu.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.axvm.kvm.internal.Platform;
import dev.axvm.vcpu.HardwareUnsupportedException;
import dev.axvm.vcpu.spi.ArchBackend;
import dev.axvm.vcpu.spi.ArchBackends;
import dev.axvm.vcpu.spi.ArchVmConfig;
import org.junit.jupiter.api.Test;

/** The backend as the VM core finds it, on any host. */
class RiscvBackendTest {

    @Test
    void theServiceLoaderFindsTheRiscv64Backend() {
        ArchBackend b = ArchBackends.forArchitecture("riscv64");
        assertInstanceOf(RiscvBackend.class, b);
        assertEquals("riscv64", b.architecture());
        assertFalse(b.perCpu(0).isEnabled());
        assertEquals("not enabled", b.perCpu(3).describe());
    }

    @Test
    void onAnotherArchitectureTheBackendSaysWhyItCannotRun() {
        assumeFalse(Platform.arch().equals("riscv64"), "this host is riscv64");
        RiscvBackend b = new RiscvBackend();
        assertFalse(b.runsOnThisHost());
        HardwareUnsupportedException e = assertThrows(HardwareUnsupportedException.class,
                () -> b.createVm(new ArchVmConfig(1, 1, true)));
        assertTrue(e.getMessage().startsWith("riscv64 guests need a riscv64 host with KVM; this host is linux-"), e.getMessage());
    }
}
