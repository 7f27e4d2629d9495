package dev.axvm.vcpu.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The user-space interrupt path: the S-mode external interrupt raised from another thread and taken by the guest. */
class RiscvIrqKvmTest {
    private static final long READY = 0x4ead1;
    private static final long S_EXTERNAL_CAUSE = 1L << 63 | RiscvPlatform.IRQ_S_EXT;

    @BeforeAll
    static void requireKvm() {
        RiscvTestGuests.requireKvm();
    }

    @Test
    void anExternalInterruptRaisedFromAnotherThreadIsTakenByTheWaitingGuest() {
        try (RiscvTestGuests g = new RiscvTestGuests("irq")) {
            RecordingDevices d = new RecordingDevices();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            d.onReport = v -> {
                if (v == READY) {
                    // As a PLIC on a device thread would: the guest is (about to be) in WFI inside KVM.
                    Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(100);
                            g.vcpu.injectInterrupt(RiscvPlatform.IRQ_S_EXT);
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    });
                }
            };
            d.onAck = () -> g.vcpu.setExternalInterrupt(false);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals(null, failure.get());
            assertEquals(List.of(READY, S_EXTERNAL_CAUSE), d.reports, "ready, then scause of the interrupt taken");
        }
    }

    private static boolean hostHasSsaia() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .anyMatch(l -> l.startsWith("isa") && l.contains("_ssaia"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void withoutAiaThereAreNoKernelLinesAndOnlyTheExternalInterruptCanBeInjected() {
        try (RiscvTestGuests g = new RiscvTestGuests("spin", 1, true, 0)) {
            assertFalse(g.vm.hasInKernelIrqchip());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> g.vm.setIrqLine(10, true));
            assertTrue(e.getMessage().contains("user-space PLIC"), e.getMessage());
            assertEquals(hostHasSsaia(), g.vm.aiaOffered(), "KVM offers AIA exactly where the host CPU has Ssaia");
            assertTrue(g.vm.irqchipReport().contains(g.vm.aiaOffered() ? "does not set the AIA device up" : "lacks Ssaia"),
                    g.vm.irqchipReport());
            assertThrows(IllegalArgumentException.class, () -> g.vcpu.injectInterrupt(5));
            assertTrue(g.vm.reservedRanges().isEmpty());
        }
    }
}
