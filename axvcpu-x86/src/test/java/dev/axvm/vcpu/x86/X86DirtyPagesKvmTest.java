package dev.axvm.vcpu.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.Port;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import java.util.BitSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dirty-page logging on this host's KVM: the guest (native/guests/x86_64/dirty-pages.S) writes two
 * known sets of pages, and the log read after each holds that set; the first read also holds the
 * page the guest ran from, which KVM logs when the guest first touches it.
 */
class X86DirtyPagesKvmTest {
    private static final int COUNT = 40;
    private static final long STRIDE = 0x3000;

    @BeforeAll
    static void requireKvm() {
        X86TestGuests.requireKvm();
    }

    private static BitSet pages(long first) {
        BitSet b = new BitSet();
        for (int k = 0; k < COUNT; k++) {
            b.set((int) ((first + k * STRIDE) / 4096));
        }
        return b;
    }

    private static BitSet union(BitSet a, BitSet b) {
        BitSet out = (BitSet) a.clone();
        out.or(b);
        return out;
    }

    private static BitSet intersection(BitSet a, BitSet b) {
        BitSet out = (BitSet) a.clone();
        out.and(b);
        return out;
    }

    private static BitSet dirty(X86TestGuests g) {
        return BitSet.valueOf(g.vm.dirtyPages(0));
    }

    private static ExitReason report(long value) {
        return new ExitReason.IoWrite(Port.of(X86TestGuests.REPORT_PORT), AccessWidth.DWORD, value);
    }

    @Test
    void theLogHoldsExactlyThePagesTheGuestWroteSinceTheLastRead() {
        try (X86TestGuests g = new X86TestGuests("dirty-pages", EntryMode.PROTECTED)) {
            g.vm.logDirtyPages(0, true);
            assertEquals(report(1), g.vcpu.run());
            // KVM maps a page writable when the guest first touches it while logging, and logs it:
            // the code page, only ever read, shows up once.
            BitSet firstWritesOrFirstTouches = pages(0x200000);
            firstWritesOrFirstTouches.set((int) (X86TestGuests.LOAD_ADDRESS / 4096));
            BitSet first = dirty(g);
            assertEquals(firstWritesOrFirstTouches, union(first, pages(0x200000)), "nothing but the writes and the code page");
            assertEquals(pages(0x200000), intersection(first, pages(0x200000)), "every write");
            g.ram.writeByte(0x300000, (byte) 1); // the host's own write: not the guest's, not logged
            assertEquals(report(2), g.vcpu.run());
            assertEquals(pages(0x201000), dirty(g));
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run());
            assertEquals(new BitSet(), dirty(g));
        }
    }

    @Test
    void withLoggingOffThereIsNoLogToRead() {
        try (X86TestGuests g = new X86TestGuests("dirty-pages", EntryMode.PROTECTED)) {
            assertThrows(IllegalStateException.class, () -> g.vm.dirtyPages(0));
            g.vm.logDirtyPages(0, true);
            g.vm.logDirtyPages(0, false);
            assertEquals(report(1), g.vcpu.run());
            assertThrows(IllegalStateException.class, () -> g.vm.dirtyPages(0));
            assertThrows(IllegalArgumentException.class, () -> g.vm.dirtyPages(0x100000));
        }
    }
}
