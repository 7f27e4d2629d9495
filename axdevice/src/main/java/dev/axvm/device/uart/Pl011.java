package dev.axvm.device.uart;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.internal.ByteFifo;
import java.util.Objects;

/**
 * Arm's PrimeCell UART (PL011, revision r1p1 as QEMU models it), an MMIO device with a 4 KiB
 * register window. Our aarch64 VMs put it where QEMU's {@code virt} machine does:
 * {@link #DEFAULT_BASE} 0x09000000, SPI 1 = GIC interrupt {@link #DEFAULT_IRQ} 33.
 *
 * <table>
 *   <caption>Registers (offsets in the window)</caption>
 *   <tr><th>offset</th><th>name</th><th>modelled</th></tr>
 *   <tr><td>0x000</td><td>DR</td><td>write transmits; read pops the receive FIFO (bits 7..0) with the overrun flag in bit 11</td></tr>
 *   <tr><td>0x004</td><td>RSR / ECR</td><td>read: overrun in bit 3; any write clears it</td></tr>
 *   <tr><td>0x018</td><td>FR</td><td>CTS, DSR, DCD, BUSY (0), RXFE, TXFF (0), RXFF, TXFE (1), RI</td></tr>
 *   <tr><td>0x020</td><td>ILPR</td><td>8 bits, stored</td></tr>
 *   <tr><td>0x024 / 0x028</td><td>IBRD / FBRD</td><td>16 / 6 bits, stored</td></tr>
 *   <tr><td>0x02C</td><td>LCR_H</td><td>8 bits; FEN selects 16-byte FIFO or 1-byte holding register</td></tr>
 *   <tr><td>0x030</td><td>CR</td><td>UARTEN, SIREN, SIRLP, LBE, TXE, RXE, DTR, RTS, OUT1, OUT2, RTSEN, CTSEN; reset 0x300</td></tr>
 *   <tr><td>0x034</td><td>IFLS</td><td>6 bits; RX trigger 1/8, 1/4, 1/2, 3/4, 7/8 of 16; reset 0x12</td></tr>
 *   <tr><td>0x038 / 0x03C / 0x040 / 0x044</td><td>IMSC / RIS / MIS / ICR</td><td>11 interrupt bits</td></tr>
 *   <tr><td>0x048</td><td>DMACR</td><td>3 bits, stored</td></tr>
 *   <tr><td>0xFE0..0xFEC</td><td>PeriphID0..3</td><td>0x11, 0x10, 0x14, 0x00 (part 0x011, designer Arm, revision 1)</td></tr>
 *   <tr><td>0xFF0..0xFFC</td><td>PCellID0..3</td><td>0x0D, 0xF0, 0x05, 0xB1</td></tr>
 * </table>
 * Every other offset reads 0 and ignores writes.
 *
 * <h2>What is emulated, and how the emulation differs from a wire</h2>
 * <ul>
 *   <li>Transmission is instant: a DR write's low 8 bits go to the {@link SerialSink} at once,
 *       the transmit FIFO is always empty (TXFE set, TXFF and BUSY clear) and the transmit
 *       interrupt (TXRIS) is latched after every write, as the FIFO drops through its trigger level;
 *       ICR clears it.</li>
 *   <li>Reception pulls from the {@link SerialSource} only while the receive FIFO has room, so host
 *       input is never overrun; overrun happens in loopback only. RXRIS is set while the FIFO holds
 *       at least its trigger level (any byte with FEN clear); RTRIS while it holds fewer but some —
 *       the line is idle as soon as the source is empty. Both follow the FIFO level, so ICR cannot
 *       clear them while the condition lasts (on hardware the timeout would re-assert anyway).</li>
 *   <li>The modem interrupts (RI, CTS, DCD, DSR) latch on a change of the line; outside loopback
 *       the host end is "connected" (CTS, DSR, DCD asserted); in loopback (CR.LBE) RTS→CTS,
 *       DTR→DSR, OUT1→DCD, OUT2→RI, transmitted bytes go to the receive FIFO and the source is cut off.</li>
 *   <li>Like QEMU, UARTEN, TXE and RXE are stored but do not gate the data: our VMs have no
 *       firmware to enable the UART before a kernel's early console writes to it. For the same
 *       reason LCR_H's word length (5 bits at reset) does not truncate bytes: it shapes a wire,
 *       not the byte stream to the host.</li>
 *   <li>The interrupt output is the level {@code (RIS & IMSC) != 0} on the {@link InterruptLine}.</li>
 * </ul>
 *
 * <p>Widths and offsets: any width at a 4-byte-aligned offset reads the register zero-extended
 * or writes it with the value masked to the register's bits (Linux uses 16- and 32-bit
 * accessors, early consoles 8-bit); an offset that is not 4-byte aligned reads 0 and writes
 * nothing. Thread-safe, as {@link Uart16550}.
 */
public final class Pl011 implements MmioDevice, StatefulDevice {
    /** Where QEMU's aarch64 {@code virt} machine and our aarch64 VMs put the PL011. */
    public static final long DEFAULT_BASE = 0x0900_0000L;
    /** SPI 1 as a GIC interrupt id (32 + 1). */
    public static final int DEFAULT_IRQ = 33;
    /** The register window's size. */
    public static final long WINDOW = 0x1000;
    /** Depth of each FIFO. */
    public static final int FIFO_DEPTH = 16;

    /** Data register. */
    public static final int DR = 0x000;
    /** Receive status (read) / error clear (write). */
    public static final int RSR_ECR = 0x004;
    /** Flags. */
    public static final int FR = 0x018;
    /** IrDA low-power counter. */
    public static final int ILPR = 0x020;
    /** Integer baud-rate divisor. */
    public static final int IBRD = 0x024;
    /** Fractional baud-rate divisor. */
    public static final int FBRD = 0x028;
    /** Line control. */
    public static final int LCR_H = 0x02C;
    /** Control. */
    public static final int CR = 0x030;
    /** Interrupt FIFO level select. */
    public static final int IFLS = 0x034;
    /** Interrupt mask set/clear. */
    public static final int IMSC = 0x038;
    /** Raw interrupt status. */
    public static final int RIS = 0x03C;
    /** Masked interrupt status. */
    public static final int MIS = 0x040;
    /** Interrupt clear. */
    public static final int ICR = 0x044;
    /** DMA control. */
    public static final int DMACR = 0x048;
    /** First peripheral id register; PeriphID0..3 and PCellID0..3 follow every 4 bytes. */
    public static final int PERIPH_ID0 = 0xFE0;

    /** FR: clear to send. */
    public static final int FR_CTS = 0x001;
    /** FR: data set ready. */
    public static final int FR_DSR = 0x002;
    /** FR: data carrier detect. */
    public static final int FR_DCD = 0x004;
    /** FR: busy transmitting (never, transmission is instant). */
    public static final int FR_BUSY = 0x008;
    /** FR: receive FIFO empty. */
    public static final int FR_RXFE = 0x010;
    /** FR: transmit FIFO full (never). */
    public static final int FR_TXFF = 0x020;
    /** FR: receive FIFO full. */
    public static final int FR_RXFF = 0x040;
    /** FR: transmit FIFO empty (always). */
    public static final int FR_TXFE = 0x080;
    /** FR: ring indicator. */
    public static final int FR_RI = 0x100;

    /** Interrupt bit: ring indicator modem change. */
    public static final int INT_RI = 0x001;
    /** Interrupt bit: CTS modem change. */
    public static final int INT_CTS = 0x002;
    /** Interrupt bit: DCD modem change. */
    public static final int INT_DCD = 0x004;
    /** Interrupt bit: DSR modem change. */
    public static final int INT_DSR = 0x008;
    /** Interrupt bit: receive. */
    public static final int INT_RX = 0x010;
    /** Interrupt bit: transmit. */
    public static final int INT_TX = 0x020;
    /** Interrupt bit: receive timeout. */
    public static final int INT_RT = 0x040;
    /** Interrupt bit: framing error (never). */
    public static final int INT_FE = 0x080;
    /** Interrupt bit: parity error (never). */
    public static final int INT_PE = 0x100;
    /** Interrupt bit: break error (never). */
    public static final int INT_BE = 0x200;
    /** Interrupt bit: overrun error. */
    public static final int INT_OE = 0x400;
    /** All eleven interrupt bits. */
    public static final int INT_ALL = 0x7FF;

    /** LCR_H: FIFO enable. */
    public static final int LCR_H_FEN = 0x10;
    /** CR: UART enable. */
    public static final int CR_UARTEN = 0x0001;
    /** CR: loopback enable. */
    public static final int CR_LBE = 0x0080;
    /** CR: transmit enable. */
    public static final int CR_TXE = 0x0100;
    /** CR: receive enable. */
    public static final int CR_RXE = 0x0200;
    /** CR: data transmit ready. */
    public static final int CR_DTR = 0x0400;
    /** CR: request to send. */
    public static final int CR_RTS = 0x0800;
    /** CR: OUT1. */
    public static final int CR_OUT1 = 0x1000;
    /** CR: OUT2. */
    public static final int CR_OUT2 = 0x2000;

    /** DR read: overrun error flag. */
    public static final int DR_OE = 0x800;
    /** RSR: overrun error flag. */
    public static final int RSR_OE = 0x8;

    private static final int CR_WRITABLE = 0xFF87;
    private static final int CR_RESET = CR_TXE | CR_RXE;
    private static final int IFLS_RESET = 0x12;
    private static final int[] ID = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    private static final int[] RX_TRIGGER_LEVELS = {2, 4, 8, 12, 14};
    private static final int CONNECTED = FR_CTS | FR_DSR | FR_DCD;
    private static final int STATE_VERSION = 1;
    private static final int STATE_FIXED = 18;

    private final String name;
    private final GuestPhysAddrRange range;
    private final SerialSink sink;
    private final SerialSource source;
    private final InterruptLine irq;
    private final Object lock = new Object();
    private final ByteFifo rx = new ByteFifo(FIFO_DEPTH);

    private int rsr;
    private int ilpr;
    private int ibrd;
    private int fbrd;
    private int lcrH;
    private int cr;
    private int ifls;
    private int imsc;
    private int latched;
    private int dmacr;
    private int modemLines;

    /**
     * A PL011 in its reset state at {@code [base, base + length)}.
     *
     * @param length at least {@link #WINDOW}; bytes past the window read 0
     * @throws IllegalArgumentException when the window is smaller than 4 KiB or wraps past 2^64
     *     (the message names the device)
     */
    public Pl011(String name, long base, long length, SerialSink sink, SerialSource source, InterruptLine irq) {
        this.name = Objects.requireNonNull(name, "name");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.source = Objects.requireNonNull(source, "source");
        this.irq = Objects.requireNonNull(irq, "irq");
        if (Long.compareUnsigned(length, WINDOW) < 0) {
            throw new IllegalArgumentException("PL011 '" + name + "': length 0x" + Long.toHexString(length)
                    + " is smaller than its 0x1000-byte register window");
        }
        if (Long.compareUnsigned(base + length - 1, base) < 0) {
            throw new IllegalArgumentException("PL011 '" + name + "': GPA 0x" + Long.toHexString(base) + " + length 0x"
                    + Long.toHexString(length) + " wraps past 2^64");
        }
        this.range = new GuestPhysAddrRange(base, length);
        synchronized (lock) {
            resetLocked();
        }
        source.attach(this::inputArrived);
    }

    /** Returns every register to its reset value and empties the receive FIFO; the source keeps its bytes. */
    public void reset() {
        synchronized (lock) {
            resetLocked();
            pullInput();
            updateInterrupt();
        }
    }

    private void resetLocked() {
        rsr = 0;
        ilpr = 0;
        ibrd = 0;
        fbrd = 0;
        lcrH = 0;
        cr = CR_RESET;
        ifls = IFLS_RESET;
        imsc = 0;
        latched = 0;
        dmacr = 0;
        rx.clear();
        modemLines = CONNECTED;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.CONSOLE;
    }

    @Override
    public GuestPhysAddrRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        long offset = addr - range.start();
        if (Long.compareUnsigned(offset, WINDOW) >= 0 || (offset & 3) != 0) {
            return 0;
        }
        return readRegister((int) offset);
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        long offset = addr - range.start();
        if (Long.compareUnsigned(offset, WINDOW) >= 0 || (offset & 3) != 0) {
            return;
        }
        writeRegister((int) offset, (int) value);
    }

    /**
     * Reads the register at {@code offset} (4-byte aligned, inside the window) as the guest does,
     * with the read's side effects (DR pops the receive FIFO).
     */
    public int readRegister(int offset) {
        synchronized (lock) {
            int value = switch (offset) {
                case DR -> readDr();
                case RSR_ECR -> rsr;
                case FR -> flags();
                case ILPR -> ilpr;
                case IBRD -> ibrd;
                case FBRD -> fbrd;
                case LCR_H -> lcrH;
                case CR -> cr;
                case IFLS -> ifls;
                case IMSC -> imsc;
                case RIS -> rawStatus();
                case MIS -> rawStatus() & imsc;
                case DMACR -> dmacr;
                default -> offset >= PERIPH_ID0 && offset < (int) WINDOW ? ID[(offset - PERIPH_ID0) >> 2] : 0;
            };
            updateInterrupt();
            return value;
        }
    }

    /** Writes {@code value} to the register at {@code offset} (4-byte aligned, inside the window) as the guest does. */
    public void writeRegister(int offset, int value) {
        synchronized (lock) {
            int transmit = -1;
            switch (offset) {
                case DR -> transmit = writeDr(value);
                case RSR_ECR -> rsr = 0;
                case ILPR -> ilpr = value & 0xFF;
                case IBRD -> ibrd = value & 0xFFFF;
                case FBRD -> fbrd = value & 0x3F;
                case LCR_H -> lcrH = value & 0xFF;
                case CR -> writeCr(value);
                case IFLS -> ifls = value & 0x3F;
                case IMSC -> imsc = value & INT_ALL;
                case ICR -> latched &= ~value;
                case DMACR -> dmacr = value & 0x7;
                default -> {
                    // FR, RIS, MIS and the id registers are read-only; other offsets are reserved.
                }
            }
            pullInput();
            updateInterrupt();
            if (transmit >= 0) {
                sink.transmit((byte) transmit);
            }
        }
    }

    private boolean fifoEnabled() {
        return (lcrH & LCR_H_FEN) != 0;
    }

    private boolean loopback() {
        return (cr & CR_LBE) != 0;
    }

    private int rxCapacity() {
        return fifoEnabled() ? FIFO_DEPTH : 1;
    }

    private int rxTrigger() {
        int sel = (ifls >> 3) & 0x7;
        // 0b101..0b111 are reserved; they behave as the reset value, half full.
        return sel < RX_TRIGGER_LEVELS.length ? RX_TRIGGER_LEVELS[sel] : 8;
    }

    private int readDr() {
        int b = rx.pop();
        if (b < 0) {
            return 0;
        }
        pullInput();
        return b | ((rsr & RSR_OE) != 0 ? DR_OE : 0);
    }

    private int writeDr(int value) {
        int data = value & 0xFF;
        latched |= INT_TX;
        if (!loopback()) {
            return data;
        }
        if (rx.size() < rxCapacity()) {
            rx.push(data);
        } else {
            rsr |= RSR_OE;
            latched |= INT_OE;
        }
        return -1;
    }

    /** The modem status lines the guest sees under control register {@code cr}: its own outputs in loopback. */
    private static int linesFor(int cr) {
        if ((cr & CR_LBE) == 0) {
            return CONNECTED;
        }
        return ((cr & CR_RTS) != 0 ? FR_CTS : 0) | ((cr & CR_DTR) != 0 ? FR_DSR : 0)
                | ((cr & CR_OUT1) != 0 ? FR_DCD : 0) | ((cr & CR_OUT2) != 0 ? FR_RI : 0);
    }

    private void writeCr(int value) {
        cr = value & CR_WRITABLE;
        int lines = linesFor(cr);
        int changed = lines ^ modemLines;
        if ((changed & FR_CTS) != 0) {
            latched |= INT_CTS;
        }
        if ((changed & FR_DSR) != 0) {
            latched |= INT_DSR;
        }
        if ((changed & FR_DCD) != 0) {
            latched |= INT_DCD;
        }
        if ((changed & FR_RI) != 0) {
            latched |= INT_RI;
        }
        modemLines = lines;
    }

    private int flags() {
        int v = modemLines | FR_TXFE;
        if (rx.isEmpty()) {
            v |= FR_RXFE;
        }
        if (rx.size() >= rxCapacity()) {
            v |= FR_RXFF;
        }
        return v;
    }

    private int rawStatus() {
        int v = latched;
        int n = rx.size();
        if (n > 0) {
            if (!fifoEnabled() || n >= rxTrigger()) {
                v |= INT_RX;
            } else {
                v |= INT_RT;
            }
        }
        return v;
    }

    private void updateInterrupt() {
        irq.set((rawStatus() & imsc) != 0);
    }

    private void pullInput() {
        if (loopback()) {
            return;
        }
        int capacity = rxCapacity();
        while (rx.size() < capacity) {
            int b = source.poll();
            if (b < 0) {
                break;
            }
            rx.push(b);
        }
    }

    private void inputArrived() {
        synchronized (lock) {
            pullInput();
            updateInterrupt();
        }
    }

    /**
     * Encoding 1: the version byte; RSR, ILPR, IBRD (2 bytes), FBRD, LCR_H, CR (2 bytes), IFLS,
     * IMSC (2 bytes), the latched interrupt bits (2 bytes), DMACR and the modem lines (2 bytes,
     * which must be what CR gives), little-endian; the receive FIFO's length, then its bytes oldest first.
     */
    @Override
    public byte[] saveState() {
        synchronized (lock) {
            byte[] fifo = rx.toArray();
            int[] fixed = {STATE_VERSION, rsr, ilpr, ibrd, ibrd >>> 8, fbrd, lcrH, cr, cr >>> 8, ifls, imsc, imsc >>> 8,
                latched, latched >>> 8, dmacr, modemLines, modemLines >>> 8, fifo.length};
            byte[] out = new byte[STATE_FIXED + fifo.length];
            for (int i = 0; i < STATE_FIXED; i++) {
                out[i] = (byte) fixed[i];
            }
            System.arraycopy(fifo, 0, out, STATE_FIXED, fifo.length);
            return out;
        }
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length < STATE_FIXED || state[0] != STATE_VERSION) {
            throw refused(state.length < STATE_FIXED ? state.length + " bytes, fewer than " + STATE_FIXED
                    : "encoding version " + (state[0] & 0xff) + " (this reads 1)");
        }
        int crValue = u16(state, 7);
        int count = state[17] & 0xff;
        String bad = (state[1] & ~RSR_OE) != 0 ? "RSR 0x" + Integer.toHexString(state[1] & 0xff) + " (offset 1)"
                : (state[5] & ~0x3F) != 0 ? "FBRD 0x" + Integer.toHexString(state[5] & 0xff) + " (offset 5)"
                : (crValue & ~CR_WRITABLE) != 0 ? "CR 0x" + Integer.toHexString(crValue) + " (offset 7)"
                : (state[9] & ~0x3F) != 0 ? "IFLS 0x" + Integer.toHexString(state[9] & 0xff) + " (offset 9)"
                : (u16(state, 10) & ~INT_ALL) != 0 ? "IMSC 0x" + Integer.toHexString(u16(state, 10)) + " (offset 10)"
                : (u16(state, 12) & ~INT_ALL) != 0 ? "interrupt bits 0x" + Integer.toHexString(u16(state, 12)) + " (offset 12)"
                : (state[14] & ~0x7) != 0 ? "DMACR 0x" + Integer.toHexString(state[14] & 0xff) + " (offset 14)"
                : u16(state, 15) != linesFor(crValue) ? "modem lines 0x" + Integer.toHexString(u16(state, 15))
                        + " (offset 15) that CR 0x" + Integer.toHexString(crValue) + " does not give"
                : count > FIFO_DEPTH || state.length != STATE_FIXED + count ? "receive FIFO of " + count + " bytes (offset 17) in "
                        + state.length + " bytes of state"
                : null;
        if (bad != null) {
            throw refused(bad + " is not a state this UART can be in");
        }
        synchronized (lock) {
            rsr = state[1] & 0xff;
            ilpr = state[2] & 0xff;
            ibrd = u16(state, 3);
            fbrd = state[5] & 0xff;
            lcrH = state[6] & 0xff;
            cr = crValue;
            ifls = state[9] & 0xff;
            imsc = u16(state, 10);
            latched = u16(state, 12);
            dmacr = state[14] & 0xff;
            modemLines = linesFor(crValue);
            rx.clear();
            for (int i = 0; i < count; i++) {
                rx.push(state[STATE_FIXED + i] & 0xff);
            }
            pullInput();
            updateInterrupt();
        }
    }

    private IllegalArgumentException refused(String why) {
        return new IllegalArgumentException("PL011 '" + name + "' state: " + why);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    /** The interrupt line this UART drives. */
    public InterruptLine interruptLine() {
        return irq;
    }

    @Override
    public String toString() {
        return "PL011 '" + name + "' at " + range;
    }
}
