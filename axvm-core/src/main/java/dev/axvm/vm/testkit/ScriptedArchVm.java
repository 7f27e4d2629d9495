package dev.axvm.vm.testkit;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.spi.Doorbell;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/** A hardware VM that records what the VM core asks of it; its vCPUs are {@link ScriptedVCpu}s. */
public final class ScriptedArchVm implements ArchVm {
    /**
     * One RAM mapping.
     *
     * @param gpa where
     * @param size how much
     * @param flags with what permissions
     */
    public record RamMapping(long gpa, long size, MappingFlags flags) {}

    /**
     * One interrupt-line change.
     *
     * @param line the line
     * @param level its new level
     */
    public record LineLevel(int line, boolean level) {}

    private final ArchVmConfig config;
    private final boolean irqchip;
    private final IntFunction<List<ExitReason>> scripts;
    private final List<RamMapping> ram = new ArrayList<>();
    private final List<LineLevel> lines = new ArrayList<>();
    private final List<ScriptedVCpu> vcpus = new ArrayList<>();
    private final FaultPlan faults;
    private final long rejectedEntry;
    private final PlatformFacts facts;
    private final boolean offersDoorbells;
    private final List<ScriptedDoorbell> doorbells = new ArrayList<>();
    private final Map<Long, MemorySegment> hosts = new HashMap<>();
    private final Map<Long, long[]> dirtyLogs = new HashMap<>();
    private boolean closed;

    ScriptedArchVm(ArchVmConfig config, boolean irqchip, IntFunction<List<ExitReason>> scripts, FaultPlan faults,
            long rejectedEntry, PlatformFacts facts, boolean offersDoorbells) {
        this.facts = facts;
        this.offersDoorbells = offersDoorbells;
        this.config = config;
        this.irqchip = irqchip;
        this.scripts = scripts;
        this.faults = faults;
        this.rejectedEntry = rejectedEntry;
    }

    /** What the VM core asked for. */
    public ArchVmConfig config() {
        return config;
    }

    @Override
    public synchronized void mapRam(long gpa, MemorySegment host, MappingFlags flags) {
        faults.call("mapRam");
        ram.add(new RamMapping(gpa, host.byteSize(), flags));
        hosts.put(gpa, host);
    }

    @Override
    public synchronized void unmapRam(long gpa) {
        ram.removeIf(m -> m.gpa() == gpa);
        hosts.remove(gpa);
        dirtyLogs.remove(gpa);
    }

    /** Logs the guest's writes ({@link #guestWrite}) to the RAM mapped at {@code gpa}, as KVM would. */
    @Override
    public synchronized void logDirtyPages(long gpa, boolean on) {
        MemorySegment host = hosts.get(gpa);
        if (host == null) {
            throw new IllegalArgumentException(String.format("no RAM mapped at 0x%x", gpa));
        }
        if (!on) {
            dirtyLogs.remove(gpa);
        } else {
            dirtyLogs.putIfAbsent(gpa, new long[(int) ((host.byteSize() / 4096 + 63) / 64)]);
        }
    }

    @Override
    public synchronized long[] dirtyPages(long gpa) {
        long[] log = dirtyLogs.get(gpa);
        if (log == null) {
            throw new IllegalStateException(String.format("dirty-page logging is off for the RAM at 0x%x", gpa));
        }
        long[] out = log.clone();
        Arrays.fill(log, 0);
        return out;
    }

    /**
     * What a guest store does: writes {@code value} at {@code gpa} into the RAM mapped there, and
     * logs its page where logging is on.
     */
    public synchronized void guestWrite(long gpa, long value) {
        for (Map.Entry<Long, MemorySegment> e : hosts.entrySet()) {
            long off = gpa - e.getKey();
            if (off >= 0 && off + 8 <= e.getValue().byteSize()) {
                e.getValue().set(ValueLayout.JAVA_LONG_UNALIGNED, off, value);
                long[] log = dirtyLogs.get(e.getKey());
                if (log != null) {
                    log[(int) (off / 4096 / 64)] |= 1L << (off / 4096);
                }
                return;
            }
        }
        throw new IllegalArgumentException(String.format("no RAM at 0x%x", gpa));
    }

    @Override
    public synchronized ScriptedVCpu createVcpu(VCpuCreateConfig config) {
        faults.call("createVcpu " + config.vcpuId());
        ScriptedVCpu v = new ScriptedVCpu(config, scripts.apply(config.vcpuId()), faults, rejectedEntry);
        vcpus.add(v);
        return v;
    }

    @Override
    public synchronized void setIrqLine(int line, boolean high) {
        if (!irqchip) {
            throw new UnsupportedOperationException("scripted VM without irqchip");
        }
        lines.add(new LineLevel(line, high));
    }

    @Override
    public synchronized Optional<Doorbell> doorbell(long gpa, int length) {
        if (!offersDoorbells) {
            return Optional.empty();
        }
        faults.call("doorbell");
        ScriptedDoorbell d = new ScriptedDoorbell(gpa, length);
        doorbells.add(d);
        return Optional.of(d);
    }

    /** The doorbells the VM core asked this VM for. */
    public synchronized List<ScriptedDoorbell> doorbells() {
        return List.copyOf(doorbells);
    }

    @Override
    public PlatformFacts platformFacts() {
        return irqchip || facts instanceof PlatformFacts.Riscv ? facts : new PlatformFacts.None();
    }

    @Override
    public boolean hasInKernelIrqchip() {
        return irqchip;
    }

    @Override
    public Map<String, GuestPhysAddrRange> reservedRanges() {
        return Map.of();
    }

    /** The RAM mappings, in order. */
    public synchronized List<RamMapping> ram() {
        return List.copyOf(ram);
    }

    /** The interrupt lines driven so far (encoding 1: the version byte, the count, then line and level each). */
    @Override
    public synchronized byte[] saveState() {
        StateWriter w = new StateWriter(1).putInt(lines.size());
        for (LineLevel l : lines) {
            w.putInt(l.line()).putByte(l.level() ? 1 : 0);
        }
        return w.toByteArray();
    }

    /** Replaces the lines driven so far with those of a saved state. */
    @Override
    public synchronized void restoreState(byte[] state) {
        StateReader r = new StateReader("scripted VM state", state, 1);
        int n = r.getCount("line count", 1 << 16);
        List<LineLevel> restored = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int line = r.getInt("line");
            int level = r.getByte("level");
            if (level > 1) {
                throw r.refused("level " + level + " at offset " + (r.offset() - 1));
            }
            restored.add(new LineLevel(line, level == 1));
        }
        r.end();
        lines.clear();
        lines.addAll(restored);
    }

    /** The line changes, in order. */
    public synchronized List<LineLevel> lines() {
        return List.copyOf(lines);
    }

    /** The vCPUs created. */
    public synchronized List<ScriptedVCpu> vcpus() {
        return List.copyOf(vcpus);
    }

    /** Whether the VM core closed it. */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ScriptedVCpu v : vcpus) {
            v.close();
        }
    }
}
