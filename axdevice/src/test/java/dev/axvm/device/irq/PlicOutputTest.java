package dev.axvm.device.irq;

import static dev.axvm.device.irq.PrivilegeMode.MACHINE;
import static dev.axvm.device.irq.PrivilegeMode.SUPERVISOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.DeviceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the PLIC tells the harts: which context, when, how often, and from under which locks. */
class PlicOutputTest {
    private static final long BASE = Plic.VIRT_BASE;
    private final DeviceContext ctx = new DeviceContext(1, 0, new ArrayGuestMemory(0, 16));

    private static ExternalInterruptChange change(int hart, PrivilegeMode mode, boolean asserted) {
        return new ExternalInterruptChange(hart, mode, asserted);
    }

    private long read(Plic plic, long offset) {
        return plic.handleRead(BASE + offset, AccessWidth.DWORD, ctx);
    }

    private void write(Plic plic, long offset, long value) {
        plic.handleWrite(BASE + offset, AccessWidth.DWORD, value, ctx);
    }

    @Test
    void eachContextDrivesItsOwnHartAndMode() {
        RecordingExternalInterruptTarget harts = new RecordingExternalInterruptTarget();
        Plic plic = Plic.virt(3, harts);
        write(plic, 4 * 10, 1);
        plic.setLine(10, true);
        write(plic, Plic.enableOffset(SUPERVISOR.context(2)), 1 << 10);
        write(plic, Plic.enableOffset(MACHINE.context(1)), 1 << 10);
        assertEquals(List.of(change(2, SUPERVISOR, true), change(1, MACHINE, true)), harts.changes());
        assertTrue(plic.outputLevel(2, SUPERVISOR));
        assertTrue(plic.outputLevel(1, MACHINE));
        assertFalse(plic.outputLevel(1, SUPERVISOR));
        assertFalse(plic.outputLevel(2, MACHINE));
    }

    @Test
    void outputChangesAreReportedExactlyOncePerChange() {
        RecordingExternalInterruptTarget harts = new RecordingExternalInterruptTarget();
        Plic plic = Plic.virt(1, harts);
        int s = SUPERVISOR.context(0);
        write(plic, 4 * 10, 2);
        write(plic, 4 * 11, 3);
        write(plic, Plic.enableOffset(s), (1 << 10) | (1 << 11));
        assertEquals(List.of(), harts.changes(), "nothing pending yet");

        plic.setLine(10, true);
        plic.setLine(10, true);
        plic.setLine(11, true);
        write(plic, 4 * 10, 5);
        assertEquals(List.of(change(0, SUPERVISOR, true)), harts.changes(), "one assertion for four changes of state");

        write(plic, Plic.thresholdOffset(s), 4);
        assertEquals(List.of(change(0, SUPERVISOR, true)), harts.changes(), "source 10 (priority 5) still exceeds 4");
        write(plic, Plic.thresholdOffset(s), 5);
        write(plic, Plic.thresholdOffset(s), 6);
        write(plic, Plic.thresholdOffset(s), 2);
        assertEquals(List.of(change(0, SUPERVISOR, true), change(0, SUPERVISOR, false), change(0, SUPERVISOR, true)),
                harts.changes());

        harts.clear();
        assertEquals(10, read(plic, Plic.claimOffset(s)));
        assertEquals(List.of(), harts.changes(), "source 11 keeps the output up");
        assertEquals(11, read(plic, Plic.claimOffset(s)));
        assertEquals(List.of(change(0, SUPERVISOR, false)), harts.changes());
        assertEquals(0, read(plic, Plic.claimOffset(s)));
        write(plic, Plic.claimOffset(s), 11);
        write(plic, Plic.claimOffset(s), 10);
        assertEquals(List.of(change(0, SUPERVISOR, false), change(0, SUPERVISOR, true)), harts.changes(),
                "both lines still high: completion raises the output once");
        plic.setLine(10, false);
        plic.setLine(11, false);
        assertEquals(List.of(change(0, SUPERVISOR, false), change(0, SUPERVISOR, true), change(0, SUPERVISOR, false)),
                harts.changes());
    }

    @Test
    void aPendingSourceNotifiesEveryContextThatEnablesItAndOneClaimQuietsThemAll() {
        RecordingExternalInterruptTarget harts = new RecordingExternalInterruptTarget();
        Plic plic = Plic.virt(2, harts);
        write(plic, 4 * 7, 1);
        write(plic, Plic.enableOffset(SUPERVISOR.context(0)), 1 << 7);
        write(plic, Plic.enableOffset(SUPERVISOR.context(1)), 1 << 7);
        plic.setLine(7, true);
        assertTrue(harts.level(0, SUPERVISOR));
        assertTrue(harts.level(1, SUPERVISOR));
        assertEquals(7, read(plic, Plic.claimOffset(SUPERVISOR.context(1))));
        assertFalse(harts.level(0, SUPERVISOR));
        assertFalse(harts.level(1, SUPERVISOR));
        assertEquals(0, read(plic, Plic.claimOffset(SUPERVISOR.context(0))), "the slower hart finds nothing");
    }

    @Test
    void theTargetMayCallBackIntoThePlicOnTheSameThread() {
        List<Integer> claimed = new ArrayList<>();
        List<ExternalInterruptChange> heard = new ArrayList<>();
        Plic[] holder = new Plic[1];
        ExternalInterruptTarget handler = (hart, mode, asserted) -> {
            heard.add(change(hart, mode, asserted));
            if (asserted) {
                // A guest's handler, run synchronously: claim, then complete after the device was serviced.
                int id = (int) read(holder[0], Plic.claimOffset(mode.context(hart)));
                claimed.add(id);
                holder[0].setLine(id, false);
                write(holder[0], Plic.claimOffset(mode.context(hart)), id);
            }
        };
        Plic plic = Plic.virt(1, handler);
        holder[0] = plic;
        write(plic, 4 * 3, 1);
        write(plic, Plic.enableOffset(SUPERVISOR.context(0)), 1 << 3);
        plic.setLine(3, true);
        assertEquals(List.of(3), claimed);
        assertEquals(List.of(change(0, SUPERVISOR, true), change(0, SUPERVISOR, false)), heard);
        assertFalse(plic.outputLevel(0, SUPERVISOR));
        assertFalse(plic.isClaimed(3));
    }

    @Test
    void theTargetIsCalledWithoutThePlicLock() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            List<Long> seenByOtherThread = new ArrayList<>();
            Plic[] holder = new Plic[1];
            ExternalInterruptTarget target = (hart, mode, asserted) -> {
                // Would deadlock (and time out) if the PLIC held its lock during this call.
                Future<Long> f = other.submit(() -> read(holder[0], 0x1000));
                try {
                    seenByOtherThread.add(f.get(10, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new AssertionError("another thread could not read the PLIC during the callback", e);
                }
            };
            Plic plic = Plic.virt(1, target);
            holder[0] = plic;
            write(plic, 4 * 5, 1);
            write(plic, Plic.enableOffset(SUPERVISOR.context(0)), 1 << 5);
            plic.setLine(5, true);
            assertEquals(List.of(1L << 5), seenByOtherThread);
        } finally {
            other.shutdownNow();
            assertTrue(other.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTargetThatThrowsDoesNotWedgeLaterDeliveries() {
        RecordingExternalInterruptTarget harts = new RecordingExternalInterruptTarget();
        IllegalStateException boom = new IllegalStateException("vCPU gone");
        boolean[] fail = {true};
        Plic plic = Plic.virt(1, (hart, mode, asserted) -> {
            if (fail[0]) {
                fail[0] = false;
                throw boom;
            }
            harts.setExternalInterrupt(hart, mode, asserted);
        });
        write(plic, 4 * 2, 1);
        write(plic, Plic.enableOffset(SUPERVISOR.context(0)), 1 << 2);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> plic.setLine(2, true)));
        plic.setLine(2, false);
        assertEquals(List.of(change(0, SUPERVISOR, false)), harts.changes(), "the next change is delivered");
        plic.setLine(2, true);
        assertTrue(harts.level(0, SUPERVISOR));
    }
}
