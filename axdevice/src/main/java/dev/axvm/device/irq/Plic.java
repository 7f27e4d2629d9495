package dev.axvm.device.irq;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceAccessException;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptSink;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.StatefulDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RISC-V platform-level interrupt controller (PLIC, RISC-V PLIC specification 1.0.0) as
 * QEMU's {@code virt} machine has it: {@link #VIRT_BASE} 0x0c00_0000, a {@link #VIRT_SIZE}
 * 0x60_0000 window, {@link #VIRT_SOURCES} 96 sources (ids 1..95; 0 means "no interrupt"),
 * priorities 0..{@link #MAX_PRIORITY} 7, and two contexts per hart: {@code 2h} is hart {@code h}'s
 * M-mode context, {@code 2h + 1} its S-mode context ({@link PrivilegeMode#context(int)}). It lets
 * riscv64 guests take device interrupts on KVM hosts without an in-kernel AIA.
 *
 * <table>
 *   <caption>Registers (offsets in the window; each 32 bits)</caption>
 *   <tr><th>offset</th><th>register</th><th>modelled</th></tr>
 *   <tr><td>0x000000 + 4 s</td><td>priority of source s</td><td>3 bits WARL (writes keep bits 2..0); source 0 and
 *       sources past the last read 0, ignore writes</td></tr>
 *   <tr><td>0x001000 + 4 w</td><td>pending bits 32w..32w+31</td><td>read-only (writes ignored); bit of source 0 is 0</td></tr>
 *   <tr><td>0x002000 + 0x80 c + 4 w</td><td>enable bits 32w..32w+31 of context c</td><td>bits of existing sources
 *       1..n-1 writable, the rest hard-wired 0</td></tr>
 *   <tr><td>0x200000 + 0x1000 c</td><td>priority threshold of context c</td><td>3 bits WARL</td></tr>
 *   <tr><td>0x200004 + 0x1000 c</td><td>claim (read) / complete (write) of context c</td><td>see below</td></tr>
 * </table>
 * Every other offset inside the window (reserved words, words of sources or contexts that do not
 * exist) reads 0 and ignores writes. Only 32-bit accesses at 4-byte-aligned offsets are served, as
 * the specification defines the registers; any other width or alignment is refused with a
 * {@link DeviceAccessException} (the registry reports it as {@code FAILED}) and changes nothing.
 *
 * <h2>Sources</h2>
 * Sources are level-triggered, as every device of the {@code virt} machine is: devices drive them
 * through {@link #setLine(int, boolean)} (this class is the {@link InterruptSink} behind their
 * {@link dev.axvm.device.InterruptLine}s, whose number is the config's {@code irq_id} = the PLIC
 * source). Each source has a gateway: while the source is not claimed its pending bit follows its
 * line; a claim clears the pending bit and marks the source claimed, and until the source is
 * completed the gateway forwards nothing, whatever the line does; completion re-arms it, and a line
 * still high makes the source pending again at once. Two choices, both QEMU's:
 * <ul>
 *   <li>a line lowered before the claim clears the pending bit (the specification's gateway cannot
 *       retract a request; QEMU's, and ours, can — the guest then finds nothing to claim instead of a
 *       request its device no longer makes);</li>
 *   <li>a claim returns the highest-priority pending, enabled source whose priority exceeds the
 *       context's threshold (ties: the lowest id), or 0 — the specification says the threshold
 *       does not affect claims; QEMU's does, and Linux never claims below its threshold 0.</li>
 * </ul>
 * A completion names a source; as the specification says, it is ignored unless that source is
 * enabled for the completing context (and it need not be the id that context claimed). A
 * completion of a source that is not claimed changes nothing. Edge-triggered sources are not
 * modelled: a pulse on a line ({@link dev.axvm.device.TriggerMode#EDGE}) sets and clears the pending
 * bit at once and is lost unless claimed in between.
 *
 * <h2>Outputs</h2>
 * A context's output is asserted while some source is pending, enabled for it and of a priority
 * above its threshold (claimed sources are not pending). Every change of an output, and only a
 * change, is reported to the {@link ExternalInterruptTarget}, outside this PLIC's lock (see that
 * interface for the guarantees).
 *
 * <h2>Threads</h2>
 * Lines change on host threads (console input) and vCPU threads; registers are accessed from any
 * vCPU thread. One lock guards the state; register accesses and line changes hold it briefly and do
 * not allocate. Output changes are delivered by one thread at a time without the lock: a thread
 * that changes an output while another is delivering leaves its change to that thread, which
 * delivers until nothing is left, so the target always ends at the current levels.
 */
public final class Plic implements MmioDevice, InterruptSink, StatefulDevice {
    /** Where QEMU's riscv {@code virt} machine puts the PLIC. */
    public static final long VIRT_BASE = 0x0c00_0000L;
    /** The {@code virt} machine's PLIC window: the context registers of 512 harts with two contexts each. */
    public static final long VIRT_SIZE = 0x60_0000L;
    /** The {@code virt} machine's number of sources, source 0 included (ids 1..95; device tree {@code riscv,ndev = 95}). */
    public static final int VIRT_SOURCES = 96;
    /** The most sources the register map has room for, source 0 included (ids 1..1023). */
    public static final int MAX_SOURCES = 1024;
    /** The most contexts the register map has room for. */
    public static final int MAX_CONTEXTS = 15872;
    /** The largest window the register map defines. */
    public static final long MAX_SIZE = 0x400_0000L;
    /** The highest priority (3 priority bits, as the {@code virt} machine's); also the highest threshold. */
    public static final int MAX_PRIORITY = 7;

    /** Source priorities, 4 bytes per source. */
    public static final int PRIORITY_BASE = 0x0;
    /** Pending bits, one per source, 32 per word. */
    public static final int PENDING_BASE = 0x1000;
    /** Per-context enable bits, one per source, 32 per word. */
    public static final int ENABLE_BASE = 0x2000;
    /** Distance between two contexts' enable bits. */
    public static final int ENABLE_STRIDE = 0x80;
    /** Per-context threshold and claim/complete registers. */
    public static final int CONTEXT_BASE = 0x20_0000;
    /** Distance between two contexts' threshold registers. */
    public static final int CONTEXT_STRIDE = 0x1000;
    /** Offset of the claim/complete register inside a context's block (the threshold is at 0). */
    public static final int CLAIM_COMPLETE = 4;

    private static final Logger LOG = LoggerFactory.getLogger(Plic.class);
    private static final int PENDING_END = PENDING_BASE + MAX_SOURCES / 8;
    private static final int ENABLE_END = ENABLE_BASE + MAX_CONTEXTS * ENABLE_STRIDE;
    private static final int STATE_VERSION = 1;

    private final String name;
    private final GuestPhysAddrRange range;
    private final int sources;
    private final int harts;
    private final int contexts;
    private final int words;
    /** Per word of source bits: which bits name a source that exists (1..sources-1). */
    private final int[] validBits;
    private final ExternalInterruptTarget target;

    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final int[] priority;
    private final int[] lines;
    /** Invariant: pending == lines & ~claimed, per word. */
    private final int[] pending;
    private final int[] claimed;
    /** Context c's word w at [c * words + w]. */
    private final int[] enable;
    private final int[] threshold;
    /** Each context's output level as the state defines it now. */
    private final boolean[] output;
    /** Each context's level as last handed to the target. */
    private final boolean[] reported;
    /** Whether some output changed since the last delivery found every context reported. */
    private boolean outputsChanged;
    /** Whether some thread is delivering output changes to the target. */
    private boolean delivering;

    /**
     * A PLIC named {@code name} at {@code [base, base + length)} with {@code sources} sources (source 0
     * included, as QEMU's {@code num-sources}) and two contexts for each of {@code harts} harts, its
     * outputs going to {@code target}. Every source starts low, every priority, enable bit and
     * threshold at 0.
     *
     * @throws IllegalArgumentException when {@code sources} is not 2..1024, {@code harts} is not
     *     1..7936, the window is too small for the harts' context registers or larger than
     *     {@link #MAX_SIZE}, or it wraps past 2^64 (the message names the device)
     */
    public Plic(String name, long base, long length, int sources, int harts, ExternalInterruptTarget target) {
        this.name = Objects.requireNonNull(name, "name");
        this.target = Objects.requireNonNull(target, "target");
        if (sources < 2 || sources > MAX_SOURCES) {
            throw new IllegalArgumentException("PLIC '" + name + "': " + sources + " sources (2.." + MAX_SOURCES
                    + ", source 0 included)");
        }
        if (harts < 1 || harts > MAX_CONTEXTS / 2) {
            throw new IllegalArgumentException("PLIC '" + name + "': " + harts + " harts (1.." + MAX_CONTEXTS / 2
                    + ", two contexts each)");
        }
        long needed = CONTEXT_BASE + 2L * harts * CONTEXT_STRIDE;
        if (Long.compareUnsigned(length, needed) < 0 || Long.compareUnsigned(length, MAX_SIZE) > 0) {
            throw new IllegalArgumentException("PLIC '" + name + "': length 0x" + Long.toHexString(length)
                    + " must be 0x" + Long.toHexString(needed) + " (the context registers of " + harts
                    + " harts) to 0x" + Long.toHexString(MAX_SIZE));
        }
        if (Long.compareUnsigned(base + length - 1, base) < 0) {
            throw new IllegalArgumentException("PLIC '" + name + "': GPA 0x" + Long.toHexString(base) + " + length 0x"
                    + Long.toHexString(length) + " wraps past 2^64");
        }
        this.range = new GuestPhysAddrRange(base, length);
        this.sources = sources;
        this.harts = harts;
        this.contexts = 2 * harts;
        this.words = (sources + 31) >>> 5;
        this.validBits = new int[words];
        for (int w = 0; w < words; w++) {
            int inWord = Math.min(32, sources - (w << 5));
            validBits[w] = inWord == 32 ? -1 : (1 << inWord) - 1;
        }
        validBits[0] &= ~1;
        this.priority = new int[sources];
        this.lines = new int[words];
        this.pending = new int[words];
        this.claimed = new int[words];
        this.enable = new int[contexts * words];
        this.threshold = new int[contexts];
        this.output = new boolean[contexts];
        this.reported = new boolean[contexts];
    }

    /**
     * The {@code virt} machine's PLIC for {@code harts} harts: named {@code plic}, at {@link #VIRT_BASE}
     * with {@link #VIRT_SIZE} bytes and {@link #VIRT_SOURCES} sources.
     *
     * @throws IllegalArgumentException when {@code harts} is not 1..512
     */
    public static Plic virt(int harts, ExternalInterruptTarget target) {
        return new Plic("plic", VIRT_BASE, VIRT_SIZE, VIRT_SOURCES, harts, target);
    }

    /** The offset of context {@code context}'s first enable word (sources 0..31). */
    public static int enableOffset(int context) {
        checkContextNumber(context);
        return ENABLE_BASE + context * ENABLE_STRIDE;
    }

    /** The offset of context {@code context}'s priority threshold. */
    public static int thresholdOffset(int context) {
        checkContextNumber(context);
        return CONTEXT_BASE + context * CONTEXT_STRIDE;
    }

    /** The offset of context {@code context}'s claim/complete register. */
    public static int claimOffset(int context) {
        return thresholdOffset(context) + CLAIM_COMPLETE;
    }

    private static void checkContextNumber(int context) {
        if (context < 0 || context >= MAX_CONTEXTS) {
            throw new IllegalArgumentException("PLIC context " + context + " (0.." + (MAX_CONTEXTS - 1) + ")");
        }
    }

    /** Sources, source 0 included: the valid ids are 1..{@code sources() - 1}. */
    public int sources() {
        return sources;
    }

    /** Harts served. */
    public int harts() {
        return harts;
    }

    /** Contexts: two per hart. */
    public int contexts() {
        return contexts;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.INTERRUPT_CONTROLLER;
    }

    @Override
    public GuestPhysAddrRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Drives source {@code line}'s input to {@code level}. A source outside 1..{@code sources() - 1}
     * is ignored (logged at debug): a misconfigured device must not break the VM.
     */
    @Override
    public void setLine(int line, boolean level) {
        if (line < 1 || line >= sources) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("PLIC '{}': ignoring {} of line {}: sources are 1..{}", name, level ? "assertion" : "deassertion",
                        line, sources - 1);
            }
            return;
        }
        int w = line >>> 5;
        int bit = 1 << (line & 31);
        boolean deliver;
        synchronized (lock) {
            if (((lines[w] & bit) != 0) == level) {
                return;
            }
            lines[w] ^= bit;
            if ((claimed[w] & bit) == 0) {
                pending[w] ^= bit;
                refreshContextsEnabling(line);
            }
            deliver = takeDelivery();
        }
        if (deliver) {
            deliverOutputs();
        }
    }

    /**
     * Encoding 1, little-endian: the version byte; the number of sources and of contexts (2 bytes
     * each), which must be this PLIC's; each source's priority (1 byte each, source 0 included);
     * the input lines, then the claimed sources (one 32-bit word per 32 sources each); each
     * context's enable words; each context's threshold (1 byte each). What is pending and each
     * context's output follow from these; a restore hands the outputs to the target.
     */
    @Override
    public byte[] saveState() {
        synchronized (lock) {
            ByteBuffer b = ByteBuffer.allocate(stateSize()).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) STATE_VERSION).putShort((short) sources).putShort((short) contexts);
            for (int p : priority) {
                b.put((byte) p);
            }
            Arrays.stream(lines).forEach(b::putInt);
            Arrays.stream(claimed).forEach(b::putInt);
            Arrays.stream(enable).forEach(b::putInt);
            for (int t : threshold) {
                b.put((byte) t);
            }
            return b.array();
        }
    }

    private int stateSize() {
        return 5 + sources + 4 * words * (2 + contexts) + contexts;
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length != stateSize() || state[0] != STATE_VERSION) {
            throw refused(state.length != stateSize() ? state.length + " bytes; this PLIC's state has " + stateSize()
                    : "encoding version " + (state[0] & 0xff) + " (this reads 1)");
        }
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        int savedSources = b.getShort() & 0xffff;
        int savedContexts = b.getShort() & 0xffff;
        if (savedSources != sources || savedContexts != contexts) {
            throw refused("saved with " + savedSources + " sources and " + savedContexts + " contexts (offset 1); this PLIC has "
                    + sources + " and " + contexts);
        }
        int[] p = new int[sources];
        for (int i = 0; i < sources; i++) {
            p[i] = b.get() & 0xff;
            if (p[i] > MAX_PRIORITY || (i == 0 && p[i] != 0)) {
                throw refused("source " + i + " priority " + p[i] + " (offset " + (b.position() - 1) + ")");
            }
        }
        int[] l = words(b, words, "input lines");
        int[] c = words(b, words, "claimed sources");
        int[] e = words(b, contexts * words, "enable bits");
        int[] t = new int[contexts];
        for (int i = 0; i < contexts; i++) {
            t[i] = b.get() & 0xff;
            if (t[i] > MAX_PRIORITY) {
                throw refused("context " + i + " threshold " + t[i] + " (offset " + (b.position() - 1) + ")");
            }
        }
        boolean deliver;
        synchronized (lock) {
            System.arraycopy(p, 0, priority, 0, sources);
            System.arraycopy(l, 0, lines, 0, words);
            System.arraycopy(c, 0, claimed, 0, words);
            System.arraycopy(e, 0, enable, 0, e.length);
            System.arraycopy(t, 0, threshold, 0, contexts);
            for (int w = 0; w < words; w++) {
                pending[w] = lines[w] & ~claimed[w];
            }
            for (int ctx = 0; ctx < contexts; ctx++) {
                refresh(ctx);
            }
            deliver = takeDelivery();
        }
        if (deliver) {
            deliverOutputs();
        }
    }

    /** {@code n} words of source bits, each checked against the sources that exist. */
    private int[] words(ByteBuffer b, int n, String what) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int at = b.position();
            out[i] = b.getInt();
            if ((out[i] & ~validBits[i % words]) != 0) {
                throw refused(what + " word 0x" + Integer.toHexString(out[i]) + " (offset " + at + ") names sources this PLIC lacks");
            }
        }
        return out;
    }

    private IllegalArgumentException refused(String why) {
        return new IllegalArgumentException("PLIC '" + name + "' state: " + why);
    }

    /** Returns every register to 0 and releases every claim; the lines keep their levels, so high lines are pending again. */
    public void reset() {
        boolean deliver;
        synchronized (lock) {
            Arrays.fill(priority, 0);
            Arrays.fill(claimed, 0);
            Arrays.fill(enable, 0);
            Arrays.fill(threshold, 0);
            System.arraycopy(lines, 0, pending, 0, words);
            for (int c = 0; c < contexts; c++) {
                refresh(c);
            }
            deliver = takeDelivery();
        }
        if (deliver) {
            deliverOutputs();
        }
    }

    /** Whether {@code source} is pending now (false for ids that do not exist). */
    public boolean isPending(int source) {
        if (source < 1 || source >= sources) {
            return false;
        }
        synchronized (lock) {
            return (pending[source >>> 5] & (1 << (source & 31))) != 0;
        }
    }

    /** Whether {@code source} is claimed and not yet completed (false for ids that do not exist). */
    public boolean isClaimed(int source) {
        if (source < 1 || source >= sources) {
            return false;
        }
        synchronized (lock) {
            return (claimed[source >>> 5] & (1 << (source & 31))) != 0;
        }
    }

    /**
     * The output level of {@code hart}'s {@code mode} context as the state defines it now (the
     * target may still be about to hear of a change).
     *
     * @throws IllegalArgumentException when {@code hart} is not 0..{@code harts() - 1}
     */
    public boolean outputLevel(int hart, PrivilegeMode mode) {
        if (hart < 0 || hart >= harts) {
            throw new IllegalArgumentException("PLIC '" + name + "': hart " + hart + " (0.." + (harts - 1) + ")");
        }
        synchronized (lock) {
            return output[mode.context(hart)];
        }
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        int offset = offset(addr, width, "read");
        int value;
        boolean deliver;
        synchronized (lock) {
            value = readLocked(offset);
            deliver = takeDelivery();
        }
        if (deliver) {
            deliverOutputs();
        }
        return value & 0xFFFF_FFFFL;
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        int offset = offset(addr, width, "write");
        boolean deliver;
        synchronized (lock) {
            writeLocked(offset, (int) value);
            deliver = takeDelivery();
        }
        if (deliver) {
            deliverOutputs();
        }
    }

    /** The access's offset in the window, or a refusal for anything but an aligned 32-bit access inside it. */
    private int offset(long addr, AccessWidth width, String what) {
        long offset = addr - range.start();
        if (width != AccessWidth.DWORD || (offset & 3) != 0 || Long.compareUnsigned(offset, range.size()) >= 0) {
            throw new DeviceAccessException("PLIC '" + name + "': " + (width == null ? "null" : width.size() + "-byte")
                    + " " + what + " at offset 0x" + Long.toHexString(offset) + " (only 32-bit accesses at 4-byte-aligned"
                    + " offsets inside the 0x" + Long.toHexString(range.size()) + "-byte window)");
        }
        return (int) offset;
    }

    private int readLocked(int offset) {
        if (offset < PENDING_BASE) {
            int source = offset >>> 2;
            return source < sources ? priority[source] : 0;
        }
        if (offset < PENDING_END) {
            int w = (offset - PENDING_BASE) >>> 2;
            return w < words ? pending[w] : 0;
        }
        if (offset >= ENABLE_BASE && offset < ENABLE_END) {
            int c = (offset - ENABLE_BASE) / ENABLE_STRIDE;
            int w = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >>> 2;
            return c < contexts && w < words ? enable[c * words + w] : 0;
        }
        if (offset >= CONTEXT_BASE) {
            int c = (offset - CONTEXT_BASE) / CONTEXT_STRIDE;
            int reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
            if (c < contexts) {
                if (reg == 0) {
                    return threshold[c];
                }
                if (reg == CLAIM_COMPLETE) {
                    return claim(c);
                }
            }
        }
        return 0;
    }

    private void writeLocked(int offset, int value) {
        if (offset < PENDING_BASE) {
            int source = offset >>> 2;
            if (source >= 1 && source < sources) {
                priority[source] = value & MAX_PRIORITY;
                refreshContextsEnabling(source);
                return;
            }
        } else if (offset >= ENABLE_BASE && offset < ENABLE_END) {
            int c = (offset - ENABLE_BASE) / ENABLE_STRIDE;
            int w = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >>> 2;
            if (c < contexts && w < words) {
                enable[c * words + w] = value & validBits[w];
                refresh(c);
                return;
            }
        } else if (offset >= CONTEXT_BASE) {
            int c = (offset - CONTEXT_BASE) / CONTEXT_STRIDE;
            int reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
            if (c < contexts && reg == 0) {
                threshold[c] = value & MAX_PRIORITY;
                refresh(c);
                return;
            }
            if (c < contexts && reg == CLAIM_COMPLETE) {
                complete(c, value);
                return;
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("PLIC '{}': ignoring write of 0x{} to offset 0x{} (read-only, reserved or absent)", name,
                    Integer.toHexString(value), Integer.toHexString(offset));
        }
    }

    /** Context {@code c} claims its best source: it stops being pending and becomes claimed. */
    private int claim(int c) {
        int source = best(c);
        if (source != 0) {
            int w = source >>> 5;
            int bit = 1 << (source & 31);
            pending[w] &= ~bit;
            claimed[w] |= bit;
            refreshContextsEnabling(source);
        }
        return source;
    }

    /** Context {@code c} completes {@code source}: ignored unless the source exists, is enabled for c and is claimed. */
    private void complete(int c, int source) {
        if (source < 1 || source >= sources) {
            return;
        }
        int w = source >>> 5;
        int bit = 1 << (source & 31);
        if ((enable[c * words + w] & bit) == 0 || (claimed[w] & bit) == 0) {
            return;
        }
        claimed[w] &= ~bit;
        pending[w] |= lines[w] & bit;
        refreshContextsEnabling(source);
    }

    /**
     * The id of the pending source enabled for context {@code c} with the highest priority above
     * its threshold, the lowest id among equals; 0 when there is none.
     */
    private int best(int c) {
        int bestSource = 0;
        int bestPriority = threshold[c];
        int base = c * words;
        for (int w = 0; w < words; w++) {
            int bits = pending[w] & enable[base + w];
            while (bits != 0) {
                int source = (w << 5) | Integer.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (priority[source] > bestPriority) {
                    bestPriority = priority[source];
                    bestSource = source;
                }
            }
        }
        return bestSource;
    }

    /** Recomputes the output of every context that enables {@code source}: only those can change. */
    private void refreshContextsEnabling(int source) {
        int w = source >>> 5;
        int bit = 1 << (source & 31);
        for (int c = 0; c < contexts; c++) {
            if ((enable[c * words + w] & bit) != 0) {
                refresh(c);
            }
        }
    }

    private void refresh(int c) {
        boolean level = best(c) != 0;
        if (level != output[c]) {
            output[c] = level;
            outputsChanged = true;
        }
    }

    /** Whether the caller should deliver output changes now: there are some and nobody else is delivering. */
    private boolean takeDelivery() {
        if (!outputsChanged || delivering) {
            return false;
        }
        delivering = true;
        return true;
    }

    /**
     * Hands output changes to the target, one at a time and without the lock, until none is left.
     * Only the thread that took the delivery runs this; changes made meanwhile by other threads
     * are picked up here, because they see {@code delivering} and leave them.
     */
    private void deliverOutputs() {
        boolean finished = false;
        try {
            while (true) {
                int c;
                boolean level;
                synchronized (lock) {
                    c = firstUnreported();
                    if (c < 0) {
                        outputsChanged = false;
                        delivering = false;
                        finished = true;
                        return;
                    }
                    level = output[c];
                    reported[c] = level;
                }
                target.setExternalInterrupt(c >>> 1, PrivilegeMode.ofContext(c), level);
            }
        } finally {
            if (!finished) {
                // The target threw: let the next change start a new delivery instead of wedging outputs.
                synchronized (lock) {
                    delivering = false;
                }
            }
        }
    }

    /** The first context whose output the target has not heard, or -1. */
    private int firstUnreported() {
        for (int c = 0; c < contexts; c++) {
            if (output[c] != reported[c]) {
                return c;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "PLIC '" + name + "' at " + range + ", " + (sources - 1) + " sources, " + harts + " harts";
    }
}
