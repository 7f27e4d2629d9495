package dev.axvm.device.uart;

import dev.axvm.device.InterruptLine;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.internal.ByteFifo;
import java.util.Arrays;
import java.util.Objects;

/**
 * The register model of a National Semiconductor / TI 16550A UART — the PC's COM ports and
 * riscv virt's {@code ns16550a} — independent of how it is wired: {@link Uart16550PortDevice}
 * puts it on I/O ports, {@link Uart16550MmioDevice} in guest-physical memory with a register
 * shift. Register numbers ({@code 0..7}) and bits follow the datasheet:
 *
 * <table>
 *   <caption>Registers</caption>
 *   <tr><th>#</th><th>read</th><th>write</th><th>with LCR.DLAB = 1</th></tr>
 *   <tr><td>0</td><td>RBR receive buffer</td><td>THR transmit holding</td><td>DLL divisor low</td></tr>
 *   <tr><td>1</td><td>IER interrupt enable</td><td>IER</td><td>DLM divisor high</td></tr>
 *   <tr><td>2</td><td>IIR interrupt identification</td><td>FCR FIFO control</td><td></td></tr>
 *   <tr><td>3</td><td>LCR line control</td><td>LCR</td><td></td></tr>
 *   <tr><td>4</td><td>MCR modem control</td><td>MCR</td><td></td></tr>
 *   <tr><td>5</td><td>LSR line status</td><td>(ignored)</td><td></td></tr>
 *   <tr><td>6</td><td>MSR modem status</td><td>(ignored)</td><td></td></tr>
 *   <tr><td>7</td><td>SCR scratch</td><td>SCR</td><td></td></tr>
 * </table>
 *
 * <h2>What is emulated, and how the emulation differs from a wire</h2>
 * <ul>
 *   <li>Transmission is instant: a byte written to THR goes to the {@link SerialSink} at once,
 *       so THR and the transmitter are always empty — LSR's THRE and TEMT are always set — and
 *       the THR-empty interrupt re-arms after every write.
 *       Writing THR clears that interrupt; reading IIR while it is the one reported clears it too;
 *       enabling it in IER while THR is empty raises it (Linux's 8250 driver tests exactly this).</li>
 *   <li>Reception pulls from the {@link SerialSource} only while the receive FIFO has room (16
 *       bytes with FCR's FIFO enabled, 1 without), so host input is never overrun. Overrun (LSR.OE)
 *       happens in loopback, where THR writes fill the FIFO directly.</li>
 *   <li>The character-timeout interrupt needs four idle character times on a wire; here the line
 *       is idle as soon as the source has nothing more, so a FIFO below its trigger level but not
 *       empty reports the timeout (IIR 0xC) at once — what lets a guest see single typed keys.</li>
 *   <li>Interrupt identification in priority order: receiver line status (overrun; parity,
 *       framing and break never occur), received data at or above the trigger level, character
 *       timeout, THR empty, modem status.</li>
 *   <li>Loopback (MCR bit 4): transmitted bytes go to the receive FIFO and not to the sink; the
 *       source is disconnected; MSR reads DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD, with delta bits.
 *       Outside loopback the host end is "connected": CTS, DSR and DCD asserted, RI not.</li>
 *   <li>LCR's word length, parity and stop bits shape a wire, not the byte stream to the host:
 *       they are stored and read back but bytes pass whole, as in QEMU — test guests and early
 *       consoles write THR without programming LCR, whose reset value means 5-bit words.</li>
 *   <li>The interrupt output is a level (asserted while IIR reports something) on the
 *       {@link InterruptLine}; like QEMU, MCR.OUT2 does not gate it.</li>
 *   <li>Reset values: IER 0, IIR 0x01, LCR 0, MCR 0, LSR 0x60, MSR 0xB0, SCR 0, divisor 12
 *       (9600 baud at the PC's 1.8432 MHz clock).</li>
 * </ul>
 *
 * <p>Its state for a snapshot ({@link StatefulDevice}, encoding version 1): IER, LCR, MCR, SCR,
 * DLL, DLM, a flag byte (FIFO enabled, DMA mode, overrun, THR-empty interrupt due), the receive
 * trigger level, the modem-status deltas, then the receive FIFO's count and bytes. The modem lines
 * are not stored: they follow from MCR.
 *
 * <p>Thread-safe: the vCPU threads access registers while the console thread's pushes make the
 * UART pull input; one lock guards the state, and the sink and interrupt line are called under it.
 */
public final class Uart16550 implements StatefulDevice {
    /** Number of registers. */
    public static final int REGISTER_COUNT = 8;
    /** Depth of the receive FIFO in FIFO mode. */
    public static final int FIFO_DEPTH = 16;
    /** Input clock divided by 16: the baud rate for divisor 1. */
    public static final int BASE_BAUD = 115_200;

    /** Register 0: RBR (read), THR (write), DLL (DLAB). */
    public static final int RBR = 0;
    /** Register 0 written. */
    public static final int THR = 0;
    /** Register 0 with DLAB. */
    public static final int DLL = 0;
    /** Register 1: IER, DLM with DLAB. */
    public static final int IER = 1;
    /** Register 1 with DLAB. */
    public static final int DLM = 1;
    /** Register 2 read. */
    public static final int IIR = 2;
    /** Register 2 written. */
    public static final int FCR = 2;
    /** Register 3. */
    public static final int LCR = 3;
    /** Register 4. */
    public static final int MCR = 4;
    /** Register 5. */
    public static final int LSR = 5;
    /** Register 6. */
    public static final int MSR = 6;
    /** Register 7. */
    public static final int SCR = 7;

    /** IER: received data available (and character timeout). */
    public static final int IER_RDI = 0x01;
    /** IER: THR empty. */
    public static final int IER_THRI = 0x02;
    /** IER: receiver line status. */
    public static final int IER_RLSI = 0x04;
    /** IER: modem status. */
    public static final int IER_MSI = 0x08;

    /** IIR: no interrupt pending. */
    public static final int IIR_NO_INT = 0x01;
    /** IIR id: receiver line status (highest priority). */
    public static final int IIR_RLSI = 0x06;
    /** IIR id: received data at or above the trigger level. */
    public static final int IIR_RDI = 0x04;
    /** IIR id: character timeout. */
    public static final int IIR_TIMEOUT = 0x0C;
    /** IIR id: THR empty. */
    public static final int IIR_THRI = 0x02;
    /** IIR id: modem status (lowest priority). */
    public static final int IIR_MSI = 0x00;
    /** IIR bits 7..6: FIFOs enabled. */
    public static final int IIR_FIFOS_ENABLED = 0xC0;

    /** FCR: enable the FIFOs. */
    public static final int FCR_ENABLE_FIFO = 0x01;
    /** FCR: clear the receive FIFO. */
    public static final int FCR_CLEAR_RCVR = 0x02;
    /** FCR: clear the transmit FIFO. */
    public static final int FCR_CLEAR_XMIT = 0x04;
    /** FCR: DMA mode select. */
    public static final int FCR_DMA_SELECT = 0x08;

    /** LCR: divisor latch access. */
    public static final int LCR_DLAB = 0x80;
    /** LCR: set break. */
    public static final int LCR_SBC = 0x40;

    /** MCR: data terminal ready. */
    public static final int MCR_DTR = 0x01;
    /** MCR: request to send. */
    public static final int MCR_RTS = 0x02;
    /** MCR: OUT1. */
    public static final int MCR_OUT1 = 0x04;
    /** MCR: OUT2. */
    public static final int MCR_OUT2 = 0x08;
    /** MCR: loopback. */
    public static final int MCR_LOOP = 0x10;

    /** LSR: data ready. */
    public static final int LSR_DR = 0x01;
    /** LSR: overrun error. */
    public static final int LSR_OE = 0x02;
    /** LSR: parity error (never set here). */
    public static final int LSR_PE = 0x04;
    /** LSR: framing error (never set here). */
    public static final int LSR_FE = 0x08;
    /** LSR: break interrupt (never set here). */
    public static final int LSR_BI = 0x10;
    /** LSR: THR empty. */
    public static final int LSR_THRE = 0x20;
    /** LSR: transmitter empty. */
    public static final int LSR_TEMT = 0x40;
    /** LSR: error in receive FIFO (never set here). */
    public static final int LSR_FIFOE = 0x80;

    /** MSR: delta CTS. */
    public static final int MSR_DCTS = 0x01;
    /** MSR: delta DSR. */
    public static final int MSR_DDSR = 0x02;
    /** MSR: trailing edge of RI. */
    public static final int MSR_TERI = 0x04;
    /** MSR: delta DCD. */
    public static final int MSR_DDCD = 0x08;
    /** MSR: clear to send. */
    public static final int MSR_CTS = 0x10;
    /** MSR: data set ready. */
    public static final int MSR_DSR = 0x20;
    /** MSR: ring indicator. */
    public static final int MSR_RI = 0x40;
    /** MSR: data carrier detect. */
    public static final int MSR_DCD = 0x80;

    private static final int[] RX_TRIGGER_LEVELS = {1, 4, 8, 14};
    private static final int MSR_CONNECTED = MSR_CTS | MSR_DSR | MSR_DCD;

    private final Object lock = new Object();
    private final SerialSink sink;
    private final SerialSource source;
    private final InterruptLine irq;
    private final ByteFifo rx = new ByteFifo(FIFO_DEPTH);

    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int dll;
    private int dlm;
    private boolean fifoEnabled;
    private boolean dmaMode;
    private int rxTrigger;
    private boolean overrun;
    private boolean thrInterrupt;
    private int modemLines;
    private int modemDeltas;

    /**
     * A UART in its reset state.
     *
     * @param sink where transmitted bytes go
     * @param source where received bytes come from ({@link SerialSource#none()} for nothing); this
     *     UART attaches to it
     * @param irq the interrupt line ({@link InterruptLine#disconnected()} for a polled UART)
     */
    public Uart16550(SerialSink sink, SerialSource source, InterruptLine irq) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.source = Objects.requireNonNull(source, "source");
        this.irq = Objects.requireNonNull(irq, "irq");
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
        ier = 0;
        lcr = 0;
        mcr = 0;
        scr = 0;
        dll = 12;
        dlm = 0;
        fifoEnabled = false;
        dmaMode = false;
        rxTrigger = 1;
        overrun = false;
        thrInterrupt = false;
        rx.clear();
        modemLines = MSR_CONNECTED;
        modemDeltas = 0;
    }

    private static final int STATE_VERSION = 1;
    private static final int STATE_FIXED = 11;

    @Override
    public byte[] saveState() {
        synchronized (lock) {
            byte[] fifo = rx.toArray();
            byte[] out = new byte[STATE_FIXED + fifo.length];
            int flags = (fifoEnabled ? 1 : 0) | (dmaMode ? 2 : 0) | (overrun ? 4 : 0) | (thrInterrupt ? 8 : 0);
            int[] fixed = {STATE_VERSION, ier, lcr, mcr, scr, dll, dlm, flags, rxTrigger, modemDeltas, fifo.length};
            for (int i = 0; i < STATE_FIXED; i++) {
                out[i] = (byte) fixed[i];
            }
            System.arraycopy(fifo, 0, out, STATE_FIXED, fifo.length);
            return out;
        }
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length < STATE_FIXED || (state[0] & 0xff) != STATE_VERSION) {
            throw new IllegalArgumentException("16550 state: " + (state.length < STATE_FIXED ? state.length
                    + " bytes, fewer than " + STATE_FIXED : "encoding version " + (state[0] & 0xff) + " (this reads 1)"));
        }
        int ier = u8(state, 1, "IER", 0x0f);
        int mcr = u8(state, 3, "MCR", 0x1f);
        int flags = u8(state, 7, "flags", 0x0f);
        int deltas = u8(state, 9, "modem-status deltas", MSR_DCTS | MSR_DDSR | MSR_TERI | MSR_DDCD);
        boolean fifo = (flags & 1) != 0;
        int trigger = state[8] & 0xff;
        if (fifo ? Arrays.stream(RX_TRIGGER_LEVELS).noneMatch(t -> t == trigger) : trigger != 1 || (flags & 2) != 0) {
            throw new IllegalArgumentException("16550 state: trigger level " + trigger + " (offset 8) and DMA mode do not fit FIFO "
                    + (fifo ? "mode" : "off"));
        }
        int count = state[10] & 0xff;
        if (count > (fifo ? FIFO_DEPTH : 1) || state.length != STATE_FIXED + count) {
            throw new IllegalArgumentException("16550 state: receive FIFO of " + count + " bytes (offset 10) in "
                    + state.length + " bytes of state, FIFO " + (fifo ? "on" : "off"));
        }
        synchronized (lock) {
            this.ier = ier;
            lcr = state[2] & 0xff;
            this.mcr = mcr;
            modemLines = modemLinesFor(mcr);
            scr = state[4] & 0xff;
            dll = state[5] & 0xff;
            dlm = state[6] & 0xff;
            fifoEnabled = fifo;
            dmaMode = (flags & 2) != 0;
            overrun = (flags & 4) != 0;
            thrInterrupt = (flags & 8) != 0;
            rxTrigger = trigger;
            modemDeltas = deltas;
            rx.clear();
            for (int i = 0; i < count; i++) {
                rx.push(state[STATE_FIXED + i] & 0xff);
            }
            pullInput();
            updateInterrupt();
        }
    }

    private static int u8(byte[] state, int at, String field, int allowed) {
        int v = state[at] & 0xff;
        if ((v & ~allowed) != 0) {
            throw new IllegalArgumentException(String.format("16550 state: %s 0x%02x (offset %d) has bits a 16550 never sets", field, v, at));
        }
        return v;
    }

    /**
     * Reads register {@code reg} (0..7) as the guest does, with the read's side effects (RBR pops
     * the FIFO, IIR acknowledges THR-empty, LSR clears overrun, MSR clears the deltas).
     *
     * @return the register's 8-bit value
     * @throws IllegalArgumentException when {@code reg} is not 0..7 (the device adapters never pass one)
     */
    public int readRegister(int reg) {
        synchronized (lock) {
            int value = switch (reg) {
                case RBR -> dlab() ? dll : readRbr();
                case IER -> dlab() ? dlm : ier;
                case IIR -> readIir();
                case LCR -> lcr;
                case MCR -> mcr;
                case LSR -> readLsr();
                case MSR -> readMsr();
                case SCR -> scr;
                default -> throw new IllegalArgumentException("16550 register " + reg + " (0..7)");
            };
            updateInterrupt();
            return value;
        }
    }

    /**
     * Writes the low 8 bits of {@code value} to register {@code reg} (0..7) as the guest does.
     *
     * @throws IllegalArgumentException when {@code reg} is not 0..7 (the device adapters never pass one)
     */
    public void writeRegister(int reg, int value) {
        int v = value & 0xff;
        synchronized (lock) {
            int transmit = -1;
            switch (reg) {
                case THR -> {
                    if (dlab()) {
                        dll = v;
                    } else {
                        transmit = writeThr(v);
                    }
                }
                case IER -> {
                    if (dlab()) {
                        dlm = v;
                    } else {
                        writeIer(v);
                    }
                }
                case FCR -> writeFcr(v);
                case LCR -> lcr = v;
                case MCR -> writeMcr(v);
                case LSR, MSR -> {
                    // Read-only on a 16550A (writes reach a factory test mode that is not modelled).
                }
                case SCR -> scr = v;
                default -> throw new IllegalArgumentException("16550 register " + reg + " (0..7)");
            }
            updateInterrupt();
            // Last, so that the register state is complete even if a sink breaks its contract and throws.
            if (transmit >= 0) {
                sink.transmit((byte) transmit);
            }
        }
    }

    private boolean dlab() {
        return (lcr & LCR_DLAB) != 0;
    }

    private boolean loopback() {
        return (mcr & MCR_LOOP) != 0;
    }

    private int rxCapacity() {
        return fifoEnabled ? FIFO_DEPTH : 1;
    }

    private int readRbr() {
        int b = rx.pop();
        pullInput();
        return b < 0 ? 0 : b;
    }

    private int readIir() {
        int id = pendingInterrupt();
        if (id == IIR_THRI) {
            thrInterrupt = false;
        }
        return id | (fifoEnabled ? IIR_FIFOS_ENABLED : 0);
    }

    private int readLsr() {
        int v = LSR_THRE | LSR_TEMT;
        if (!rx.isEmpty()) {
            v |= LSR_DR;
        }
        if (overrun) {
            v |= LSR_OE;
            overrun = false;
        }
        return v;
    }

    private int readMsr() {
        int v = modemLines | modemDeltas;
        modemDeltas = 0;
        return v;
    }

    /** Returns the byte to hand to the sink, or -1 when loopback keeps it. */
    private int writeThr(int v) {
        int data = v;
        // The THR empties at once, so the THR-empty interrupt that the write cleared is due again.
        thrInterrupt = true;
        if (!loopback()) {
            return data;
        }
        if (rx.size() < rxCapacity()) {
            rx.push(data);
        } else {
            overrun = true;
        }
        return -1;
    }

    private void writeIer(int v) {
        int newIer = v & 0x0f;
        if ((newIer & IER_THRI) != 0 && (ier & IER_THRI) == 0) {
            thrInterrupt = true;
        }
        ier = newIer;
    }

    private void writeFcr(int v) {
        boolean enable = (v & FCR_ENABLE_FIFO) != 0;
        if (enable != fifoEnabled) {
            // Switching between FIFO and character mode clears both FIFOs.
            rx.clear();
            fifoEnabled = enable;
        }
        if (enable) {
            // The other bits are programmed only together with the enable bit.
            if ((v & FCR_CLEAR_RCVR) != 0) {
                rx.clear();
            }
            dmaMode = (v & FCR_DMA_SELECT) != 0;
            rxTrigger = RX_TRIGGER_LEVELS[v >>> 6];
        } else {
            dmaMode = false;
            rxTrigger = 1;
        }
        pullInput();
    }

    /** The modem-status lines MCR {@code mcr} gives: its outputs in loopback, the host end's otherwise. */
    private static int modemLinesFor(int mcr) {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_CONNECTED;
        }
        return ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0) | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
                | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0) | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
    }

    private void writeMcr(int v) {
        mcr = v & 0x1f;
        int lines = modemLinesFor(mcr);
        int changed = lines ^ modemLines;
        if ((changed & MSR_CTS) != 0) {
            modemDeltas |= MSR_DCTS;
        }
        if ((changed & MSR_DSR) != 0) {
            modemDeltas |= MSR_DDSR;
        }
        if ((changed & MSR_DCD) != 0) {
            modemDeltas |= MSR_DDCD;
        }
        if ((modemLines & MSR_RI) != 0 && (lines & MSR_RI) == 0) {
            modemDeltas |= MSR_TERI;
        }
        modemLines = lines;
        pullInput();
    }

    /** The IIR interrupt id (bits 3..0) of the highest-priority pending interrupt. */
    private int pendingInterrupt() {
        if ((ier & IER_RLSI) != 0 && overrun) {
            return IIR_RLSI;
        }
        if ((ier & IER_RDI) != 0 && !rx.isEmpty()) {
            if (!fifoEnabled || rx.size() >= rxTrigger) {
                return IIR_RDI;
            }
            return IIR_TIMEOUT;
        }
        if ((ier & IER_THRI) != 0 && thrInterrupt) {
            return IIR_THRI;
        }
        if ((ier & IER_MSI) != 0 && modemDeltas != 0) {
            return IIR_MSI;
        }
        return IIR_NO_INT;
    }

    private void updateInterrupt() {
        irq.set(pendingInterrupt() != IIR_NO_INT);
    }

    /** Moves bytes from the source into the FIFO while it has room; in loopback the source is cut off. */
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

    /** The divisor latch (DLM:DLL). */
    public int divisor() {
        synchronized (lock) {
            return dlm << 8 | dll;
        }
    }

    /** The baud rate the divisor selects at the PC's clock ({@code 115200 / divisor}); 0 for divisor 0. */
    public int baudRate() {
        int d = divisor();
        return d == 0 ? 0 : BASE_BAUD / d;
    }

    /** Whether FCR enabled the FIFOs. */
    public boolean fifoEnabled() {
        synchronized (lock) {
            return fifoEnabled;
        }
    }

    /** Whether FCR selected DMA mode 1 (stored; there is no DMA engine to signal). */
    public boolean dmaMode() {
        synchronized (lock) {
            return dmaMode;
        }
    }

    /** The receive FIFO's trigger level (1, 4, 8 or 14 bytes; 1 without FIFO). */
    public int rxTriggerLevel() {
        synchronized (lock) {
            return rxTrigger;
        }
    }

    /** Bytes waiting in the receive FIFO. */
    public int rxCount() {
        synchronized (lock) {
            return rx.size();
        }
    }

    /** The interrupt line this UART drives. */
    public InterruptLine interruptLine() {
        return irq;
    }

    @Override
    public String toString() {
        return "16550A UART on " + irq;
    }
}
