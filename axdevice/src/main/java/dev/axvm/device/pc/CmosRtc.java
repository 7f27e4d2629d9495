package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatefulDevice;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.util.Objects;

/**
 * The MC146818 CMOS real-time clock and its NVRAM on ports 0x70 (index) and 0x71 (data). The time
 * registers read the host clock in UTC, in BCD or binary and in 24- or 12-hour form as status
 * register B selects; a guest that sets the time moves an offset of its own, never the host's
 * clock. The update-in-progress flag is always clear, so a reader never waits. The other bytes of
 * the 128-byte bank are plain NVRAM. No alarms and no periodic interrupt: Linux keeps time with
 * kvmclock and reads the RTC once at boot.
 */
public final class CmosRtc implements PortDevice, StatefulDevice {
    /** The index port (the data port follows). */
    public static final int INDEX_PORT = 0x70;

    static final int SECONDS = 0x00;
    static final int MINUTES = 0x02;
    static final int HOURS = 0x04;
    static final int DAY_OF_WEEK = 0x06;
    static final int DAY_OF_MONTH = 0x07;
    static final int MONTH = 0x08;
    static final int YEAR = 0x09;
    static final int STATUS_A = 0x0a;
    static final int STATUS_B = 0x0b;
    static final int STATUS_C = 0x0c;
    static final int STATUS_D = 0x0d;
    static final int CENTURY = 0x32;
    static final int B_24_HOUR = 1 << 1;
    static final int B_BINARY = 1 << 2;
    private static final int STATUS_A_DIVIDER = 0x26; // 32.768 kHz time base, 1024 Hz rate; UIP clear
    private static final int STATUS_D_VALID = 0x80;   // the battery is good
    private static final int PM = 0x80;
    private static final int STATE_VERSION = 1;
    private static final int STATE_SIZE = 1 + 1 + 8 + 4 + 128;
    // Farther than any date the registers can set (century 255 in binary mode is the year 25,755).
    private static final long MAX_OFFSET_SECONDS = 30_000L * 366 * 86_400;

    private final PortRange range = new PortRange(INDEX_PORT, 2);
    private final Clock clock;
    private final byte[] nvram = new byte[128];
    private int index;
    private Duration offset = Duration.ZERO;

    /** An RTC on {@code clock} (the host's: {@link Clock#systemUTC()}). */
    public CmosRtc(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        nvram[STATUS_B] = B_24_HOUR;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.DUMMY;
    }

    @Override
    public PortRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return "cmos-rtc";
    }

    @Override
    public synchronized long handleRead(long addr, AccessWidth width, DeviceContext context) {
        long b = addr == INDEX_PORT ? 0xff : read(index); // the index register is write-only
        return b | (width.mask() & ~0xffL);
    }

    @Override
    public synchronized void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        if (addr == INDEX_PORT) {
            index = (int) value & 0x7f; // bit 7 masks NMIs, which this RTC does not route
        } else {
            write(index, (int) value & 0xff);
        }
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant().plus(offset), ZoneOffset.UTC);
    }

    private int read(int register) {
        LocalDateTime t = now();
        return switch (register) {
            case SECONDS -> encode(t.getSecond());
            case MINUTES -> encode(t.getMinute());
            case HOURS -> encodeHour(t.getHour());
            case DAY_OF_WEEK -> encode(t.getDayOfWeek().getValue() % 7 + 1); // Sunday is 1
            case DAY_OF_MONTH -> encode(t.getDayOfMonth());
            case MONTH -> encode(t.getMonthValue());
            case YEAR -> encode(t.getYear() % 100);
            case CENTURY -> encode(t.getYear() / 100 % 100);
            case STATUS_A -> STATUS_A_DIVIDER;
            case STATUS_C -> 0;
            case STATUS_D -> STATUS_D_VALID;
            default -> nvram[register] & 0xff;
        };
    }

    private void write(int register, int value) {
        switch (register) {
            case SECONDS -> set(ChronoField.SECOND_OF_MINUTE, decode(value));
            case MINUTES -> set(ChronoField.MINUTE_OF_HOUR, decode(value));
            case HOURS -> set(ChronoField.HOUR_OF_DAY, decodeHour(value));
            case DAY_OF_MONTH -> set(ChronoField.DAY_OF_MONTH, decode(value));
            case MONTH -> set(ChronoField.MONTH_OF_YEAR, decode(value));
            case YEAR -> set(ChronoField.YEAR, now().getYear() / 100 * 100 + decode(value));
            case CENTURY -> set(ChronoField.YEAR, decode(value) * 100 + now().getYear() % 100);
            case STATUS_A, STATUS_C, STATUS_D, DAY_OF_WEEK -> { } // read-only here, or derived from the date
            default -> nvram[register] = (byte) value;
        }
    }

    /** Moves the guest's clock so that {@code field} reads {@code value}; an impossible date is the guest's to keep. */
    private void set(ChronoField field, long value) {
        LocalDateTime current = now();
        try {
            LocalDateTime wanted = current.with(field, value);
            offset = offset.plus(Duration.between(current, wanted));
        } catch (DateTimeException e) {
            // Out of range (a month 13, a BCD digit above 9): the register keeps reading the time.
        }
    }

    private boolean binary() {
        return (nvram[STATUS_B] & B_BINARY) != 0;
    }

    private int encode(int v) {
        return binary() ? v : (v / 10) << 4 | v % 10;
    }

    private int decode(int v) {
        return binary() ? v : (v >>> 4) * 10 + (v & 0xf);
    }

    private int encodeHour(int hour) {
        if ((nvram[STATUS_B] & B_24_HOUR) != 0) {
            return encode(hour);
        }
        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        return encode(twelve) | (hour >= 12 ? PM : 0);
    }

    private int decodeHour(int v) {
        if ((nvram[STATUS_B] & B_24_HOUR) != 0) {
            return decode(v);
        }
        int twelve = decode(v & ~PM) % 12;
        return (v & PM) != 0 ? twelve + 12 : twelve;
    }

    /**
     * Encoding 1: the version byte, the index register, the guest's offset from the host's clock
     * (seconds as 8 bytes and nanoseconds as 4, little-endian), then the 128 bytes of NVRAM. The
     * offset, not the time, is saved: a restored RTC goes on reading the host's time plus the
     * guest's own offset, as a battery-backed clock would have kept running.
     */
    @Override
    public synchronized byte[] saveState() {
        byte[] out = new byte[STATE_SIZE];
        out[0] = STATE_VERSION;
        out[1] = (byte) index;
        putLe(out, 2, offset.getSeconds(), 8);
        putLe(out, 10, offset.getNano(), 4);
        System.arraycopy(nvram, 0, out, 14, nvram.length);
        return out;
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length != STATE_SIZE || state[0] != STATE_VERSION) {
            throw new IllegalArgumentException("CMOS RTC state: " + (state.length != STATE_SIZE
                    ? state.length + " bytes, not " + STATE_SIZE : "encoding version " + (state[0] & 0xff) + " (this reads 1)"));
        }
        int i = state[1] & 0xff;
        if (i > 0x7f) {
            throw new IllegalArgumentException("CMOS RTC state: index 0x" + Integer.toHexString(i) + " (offset 1) is beyond its 128 registers");
        }
        long seconds = getLe(state, 2, 8);
        long nanos = getLe(state, 10, 4);
        if (Math.abs(seconds) > MAX_OFFSET_SECONDS || nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("CMOS RTC state: clock offset " + seconds + " s + " + nanos
                    + " ns (offset 2) is not one the guest could have set");
        }
        synchronized (this) {
            index = i;
            offset = Duration.ofSeconds(seconds, nanos);
            System.arraycopy(state, 14, nvram, 0, nvram.length);
        }
    }

    private static void putLe(byte[] b, int at, long v, int bytes) {
        for (int k = 0; k < bytes; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }

    private static long getLe(byte[] b, int at, int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) {
            v |= (b[at + k] & 0xffL) << (8 * k);
        }
        return bytes == 8 ? v : v & 0xffff_ffffL;
    }

    @Override
    public String toString() {
        return "CMOS RTC at " + range;
    }
}
