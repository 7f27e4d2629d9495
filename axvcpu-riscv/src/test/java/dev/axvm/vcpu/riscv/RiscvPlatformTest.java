package dev.axvm.vcpu.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axvm.vcpu.riscv.internal.SbiCall;
import org.junit.jupiter.api.Test;

/** The riscv64 machine's numbers and decodings, without KVM. */
class RiscvPlatformTest {

    @Test
    void forwardedSbiCallsAreToldApartByExtensionId() {
        assertEquals(SbiCall.DEBUG_CONSOLE, SbiCall.of(0x4442_434eL));
        assertEquals(SbiCall.HYPERCALL, SbiCall.of(0x48_5643L));
        assertEquals(SbiCall.HYPERCALL, SbiCall.of(0x0848_5643L));
        assertEquals(SbiCall.OTHER, SbiCall.of(0x0800_0000L), "another experimental id");
        assertEquals(SbiCall.OTHER, SbiCall.of(0x48_534dL), "HSM is KVM's");
        assertEquals(SbiCall.OTHER, SbiCall.of(1), "the legacy console");
    }

    @Test
    void axvmsHypercallIdIsAxVisorsInTheExperimentalRange() {
        assertEquals(0x0800_0000L, RiscvPlatform.SBI_EXT_AXVM_HVC & 0xff00_0000L);
        assertEquals(RiscvPlatform.SBI_EXT_AXVISOR_HVC, RiscvPlatform.SBI_EXT_AXVM_HVC & 0x00ff_ffffL);
        assertEquals("HVC", new String(new byte[] {0x48, 0x56, 0x43}, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void registerNumbersMatchTheShimsEnum() {
        assertEquals(42, RiscvRegister.count(), "AXVM_RISCV_REG_COUNT");
        assertEquals(0, RiscvRegister.PC.number());
        assertEquals(1, RiscvRegister.RA.number());
        assertEquals(2, RiscvRegister.SP.number());
        assertEquals(8, RiscvRegister.S0.number());
        assertEquals(10, RiscvRegister.A0.number());
        assertEquals(17, RiscvRegister.A7.number());
        assertEquals(18, RiscvRegister.S2.number());
        assertEquals(28, RiscvRegister.T3.number());
        assertEquals(31, RiscvRegister.T6.number());
        assertEquals(32, RiscvRegister.MODE.number());
        assertEquals(33, RiscvRegister.SSTATUS.number());
        assertEquals(41, RiscvRegister.SATP.number());
        assertEquals(RiscvRegister.A1, RiscvRegister.x(11));
        assertThrows(IllegalArgumentException.class, () -> RiscvRegister.x(0));
        assertThrows(IllegalArgumentException.class, () -> RiscvRegister.x(32));
    }
}
