package dev.axvm.vcpu.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vcpu.VCpuCreateConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-kernel vGICv3: lines raised from the VMM are taken by the guest. */
class ArmIrqKvmTest {
    /** SPI 5: lines are numbered by INTID, as a config's irq_id. */
    private static final int LINE = ArmPlatform.FIRST_SPI_INTID + 5;
    private static final long READY = 0x4ead1;

    @BeforeAll
    static void requireKvm() {
        ArmTestGuests.requireKvm();
    }

    @Test
    void anSpiRaisedOnALineIsTakenByTheGuestThroughTheVgic() {
        try (ArmTestGuests g = new ArmTestGuests("irq", 1, true, 0)) {
            RecordingDevices d = new RecordingDevices();
            d.onReport = v -> {
                if (v == READY) {
                    g.vm.setIrqLine(LINE, true);
                } else {
                    g.vm.setIrqLine(LINE, false);
                }
            };
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals(List.of(READY, (long) LINE), d.reports,
                    "ready, then the INTID the guest acknowledged (0xbad would mean an unexpected exception)");
        }
    }

    @Test
    void theVgicAndTheDoorbellAreReservedAndLinesAreChecked() {
        try (ArmTestGuests g = new ArmTestGuests("spin", 2, true, 0)) {
            Map<String, GuestPhysAddrRange> r = g.vm.reservedRanges();
            assertEquals(new GuestPhysAddrRange(ArmPlatform.GICD_BASE, 0x1_0000), r.get("GICv3 distributor"));
            assertEquals(new GuestPhysAddrRange(ArmPlatform.GICR_BASE, 2 * 0x2_0000), r.get("GICv3 redistributors"));
            assertEquals(new GuestPhysAddrRange(ArmPlatform.HYPERCALL_DOORBELL, 0x1000), r.get("AxVM hypercall doorbell"));
            assertTrue(g.vm.hasInKernelIrqchip());
            assertThrows(IllegalArgumentException.class, () -> g.vm.setIrqLine(ArmPlatform.FIRST_SPI_INTID + 224, true));
            assertThrows(IllegalArgumentException.class, () -> g.vm.setIrqLine(31, true), "a PPI is not a line");
            assertThrows(IllegalArgumentException.class, () -> g.vm.setIrqLine(-1, true));
            assertThrows(IllegalArgumentException.class, () -> g.vcpu.injectInterrupt(3));
            g.vm.setIrqLine(ArmPlatform.FIRST_SPI_INTID, true);
            g.vm.setIrqLine(ArmPlatform.FIRST_SPI_INTID, false);
            IllegalStateException late = assertThrows(IllegalStateException.class,
                    () -> g.vm.createVcpu(new VCpuCreateConfig(1, 1, ArmPlatform.mpidrOf(1))));
            assertTrue(late.getMessage().contains("create every vCPU first"), late.getMessage());
        }
    }

    @Test
    void withoutAVgicLinesAndInjectionAreUnsupported() {
        try (ArmTestGuests g = new ArmTestGuests("spin")) {
            assertThrows(UnsupportedOperationException.class, () -> g.vm.setIrqLine(33, true));
            assertThrows(UnsupportedOperationException.class, () -> g.vcpu.injectInterrupt(40));
            assertEquals(List.of("AxVM hypercall doorbell"), List.copyOf(g.vm.reservedRanges().keySet()));
        }
    }
}
