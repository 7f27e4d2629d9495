package dev.axvm.vcpu.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-kernel irqchip path: LAPIC, MSIs from another thread, reserved ranges. */
class X86IrqchipKvmTest {

    @BeforeAll
    static void requireKvm() {
        X86TestGuests.requireKvm();
    }

    @Test
    void vectorInjectedFromAnotherThreadReachesAGuestHaltedInTheKernel() throws Exception {
        try (X86TestGuests g = new X86TestGuests("interrupt-lapic", EntryMode.LONG, true)) {
            CountDownLatch ready = new CountDownLatch(1);
            List<Long> seen = new CopyOnWriteArrayList<>();
            RecordingDevices devices = new RecordingDevices() {
                @Override
                public void ioWrite(int port, AccessWidth width, long value) {
                    if (port == X86TestGuests.REPORT_PORT) {
                        seen.add(value);
                        ready.countDown();
                    }
                }
            };
            g.vcpu.unbind();
            CompletableFuture<ExitReason> run = CompletableFuture.supplyAsync(() -> {
                g.vcpu.bind();
                return g.vcpu.run(devices);
            }, r -> Thread.ofPlatform().daemon().start(r));
            assertTrue(ready.await(5, TimeUnit.SECONDS), "the guest reported ready");
            Thread.sleep(20); // let it reach HLT, where the in-kernel LAPIC keeps it without an exit
            g.vcpu.injectInterrupt(0x40);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), run.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(1L, 0x40L), seen);
        }
    }

    @Test
    void irqLinesNeedTheIrqchip() {
        try (X86TestGuests with = new X86TestGuests("spin", EntryMode.LONG, true);
                X86TestGuests without = new X86TestGuests("spin", EntryMode.LONG, false)) {
            with.vm.setIrqLine(4, true);
            with.vm.setIrqLine(4, false);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> without.vm.setIrqLine(4, true));
            assertTrue(e.getMessage().contains("no in-kernel irqchip"), e.getMessage());
            assertTrue(with.vm.reservedRanges().containsKey("IOAPIC"));
            assertTrue(with.vm.reservedRanges().containsKey("LAPIC"));
            assertTrue(!without.vm.reservedRanges().containsKey("LAPIC"));
        }
    }
}
