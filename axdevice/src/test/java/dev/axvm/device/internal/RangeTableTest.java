package dev.axvm.device.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;
import org.junit.jupiter.api.Test;

/** The 4-ary search at every size around the powers of four, including the padding and the top of the space. */
class RangeTableTest {
    /** An owner that is only a range. */
    private record Owner(GuestPhysAddrRange addressRange) implements MmioDevice {
        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            return 0;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {}
    }

    @Test
    void everyAddressAroundEveryRangeIsFoundOrMissedForEverySizeUpTo70() {
        for (int n = 0; n <= 70; n++) {
            // n ranges of 0x10 bytes every 0x20, the last one ending at 2^64 - 1.
            RangeTable<Owner> t = RangeTable.empty();
            Owner[] owners = new Owner[n];
            for (int i = 0; i < n; i++) {
                long start = -0x20L * (n - i) + 0x10;
                owners[i] = new Owner(new GuestPhysAddrRange(start, 0x10));
                t = t.with(start, start + 0xF, owners[i]);
            }
            assertEquals(n, t.size());
            for (int i = 0; i < n; i++) {
                long start = owners[i].addressRange().start();
                for (long a = start - 0x10; a < start + 0x10; a++) {
                    int idx = t.indexOf(a);
                    if (a < start) {
                        assertEquals(-1, idx, "n " + n + " gap before range " + i + " at 0x" + Long.toHexString(a));
                    } else {
                        assertEquals(i, idx, "n " + n + " range " + i + " at 0x" + Long.toHexString(a));
                        assertSame(owners[i], t.owner(idx));
                        assertEquals(start, t.start(idx));
                        assertEquals(start + 0xF, t.last(idx));
                    }
                }
            }
            assertEquals(-1, t.indexOf(0), "n " + n);
            assertEquals(-1, t.indexOf(Long.MAX_VALUE), "n " + n);
            if (n > 0) {
                assertEquals(n - 1, t.indexOf(-1L), "n " + n + ": 2^64 - 1 is in the last range");
            }
        }
    }

    @Test
    void overlapsAreFoundOnBothSides() {
        RangeTable<Owner> t = RangeTable.<Owner>empty()
                .with(0x100, 0x1FF, new Owner(new GuestPhysAddrRange(0x100, 0x100)))
                .with(0x300, 0x3FF, new Owner(new GuestPhysAddrRange(0x300, 0x100)));
        assertEquals(-1, t.overlapping(0x200, 0x2FF));
        assertEquals(0, t.overlapping(0x1FF, 0x200));
        assertEquals(1, t.overlapping(0x2FF, 0x300));
        assertEquals(0, t.overlapping(0, -1L));
        assertEquals(1, t.overlapping(0x380, 0x380));
        assertThrows(IllegalArgumentException.class, () -> t.with(0x180, 0x280, null));
        assertThrows(IllegalArgumentException.class, () -> t.with(0x10, 0x0, null));
    }
}
