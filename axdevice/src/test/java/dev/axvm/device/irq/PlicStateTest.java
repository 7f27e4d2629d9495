package dev.axvm.device.irq;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.StatefulDeviceProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A PLIC's snapshot state: a restored PLIC claims, completes and drives its outputs as the one it
 * was taken of, and hostile state is refused.
 */
class PlicStateTest {
    private static final int HARTS = 2;
    private static final int SOURCES = 40; // two words of source bits, the second partly valid

    /** A small PLIC, its outputs recorded, driven by guest register accesses and device lines. */
    private static final class Probe implements StatefulDeviceProperties.Probe {
        private final RecordingExternalInterruptTarget target = new RecordingExternalInterruptTarget();
        private final Plic plic = new Plic("plic", Plic.VIRT_BASE, Plic.VIRT_SIZE, SOURCES, HARTS, target);
        private final DeviceContext context = new DeviceContext(1, 0, new ArrayGuestMemory(0, 16));
        private int seen;

        @Override
        public StatefulDevice device() {
            return plic;
        }

        @Override
        public long step(SplittableRandom r) {
            int contextNo = r.nextInt(2 * HARTS);
            int source = r.nextInt(SOURCES + 2);
            long offset = switch (r.nextInt(5)) {
                case 0 -> Plic.PRIORITY_BASE + 4L * source;
                case 1 -> Plic.enableOffset(contextNo) + 4L * r.nextInt(2);
                case 2 -> Plic.thresholdOffset(contextNo);
                case 3 -> Plic.claimOffset(contextNo);
                default -> Plic.PENDING_BASE + 4L * r.nextInt(2);
            };
            if (r.nextInt(3) == 0) {
                plic.setLine(source, r.nextBoolean());
                return -1;
            }
            long addr = Plic.VIRT_BASE + offset;
            if (r.nextBoolean()) {
                long value = offset == Plic.claimOffset(contextNo) && r.nextBoolean() ? source : r.nextInt();
                plic.handleWrite(addr, AccessWidth.DWORD, value, context);
                return -1;
            }
            return plic.handleRead(addr, AccessWidth.DWORD, context);
        }

        @Override
        public Object effects() {
            List<Object> out = new ArrayList<>(target.changes().subList(seen, target.changes().size()));
            for (int hart = 0; hart < HARTS; hart++) {
                out.add(plic.outputLevel(hart, PrivilegeMode.MACHINE));
                out.add(plic.outputLevel(hart, PrivilegeMode.SUPERVISOR));
            }
            return out;
        }

        @Override
        public void forgetEffects() {
            seen = target.changes().size();
        }
    }

    @Test
    void aRestoredPlicClaimsCompletesAndSignalsAsTheOneItWasTakenOf() {
        StatefulDeviceProperties.restoredBehavesAsTheOriginal("PlicStateTest", 2000, Probe::new);
    }

    @Test
    void hostileStateIsRefusedNamingTheFieldAndChangesNothing() {
        StatefulDeviceProperties.hostileStateIsRefusedOrTaken("PlicStateTest", 10_000, Probe::new, "PLIC 'plic' state: ", 80, 500);
    }
}
