package dev.axvm.vm.testkit;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.vcpu.AxArchVCpu;
import dev.axvm.vcpu.DeviceAccessHandler;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuSetupConfig;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A vCPU that replays a list of exits. With a handler, device exits in the script (MmioRead,
 * MmioWrite, IoRead, IoWrite, SysRegRead, SysRegWrite, NestedPageFault) are served through it —
 * reads' results recorded in {@link #readResults()} — and the next exit is taken; other exits are
 * returned. When the script runs out, {@code run} blocks like a guest that spins, until
 * {@link #kick()} (which makes it return Nothing).
 */
public final class ScriptedVCpu implements AxArchVCpu {
    private final VCpuCreateConfig config;
    private final Deque<ExitReason> script;
    private final List<String> calls = new ArrayList<>();
    private final List<Long> readResults = new ArrayList<>();
    private final List<Integer> injected = new ArrayList<>();
    private final long[] gprs = new long[32];
    private final FaultPlan faults;
    private final long rejectedEntry;
    private boolean kicked;
    private boolean closed;
    private boolean stubborn;

    ScriptedVCpu(VCpuCreateConfig config, List<ExitReason> script, FaultPlan faults, long rejectedEntry) {
        this.config = config;
        this.script = new ArrayDeque<>(script);
        this.faults = faults;
        this.rejectedEntry = rejectedEntry;
    }

    /** The creation config it got. */
    public VCpuCreateConfig createConfig() {
        return config;
    }

    /** Calls received, as short strings ("setEntry GPA 0x8000", "setup LONG arg=0x7", "ret 0x0", ...). */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Values the handler returned for scripted reads, in order. */
    public synchronized List<Long> readResults() {
        return List.copyOf(readResults);
    }

    /** Vectors injected, in order. */
    public synchronized List<Integer> injected() {
        return List.copyOf(injected);
    }

    /** Whether it was closed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private synchronized void call(String what) {
        calls.add(what);
    }

    @Override
    public void setEntry(GuestPhysAddr entry) {
        faults.call("setEntry");
        if (entry.value() == rejectedEntry) {
            throw new IllegalArgumentException("entry " + entry + " is out of this vCPU's reach");
        }
        call("setEntry " + entry);
    }

    @Override
    public void setNestedRoot(HostPhysAddr root) {
        faults.call("setNestedRoot");
        call("setNestedRoot");
    }

    @Override
    public void setup(VCpuSetupConfig setup) {
        faults.call("setup");
        call("setup " + setup.mode() + " arg=0x" + Long.toHexString(setup.bootArgument()));
    }

    /**
     * Makes the vCPU stay "in the guest" from its next run on, deaf to kicks and to close, as a
     * vCPU whose thread never leaves KVM_RUN; {@link #release()} lets it go (its run then returns Nothing).
     */
    public synchronized void stayInGuest() {
        stubborn = true;
    }

    /** Ends {@link #stayInGuest()}. */
    public synchronized void release() {
        stubborn = false;
        notifyAll();
    }

    @Override
    public ExitReason run(DeviceAccessHandler handler) {
        for (;;) {
            ExitReason next = next();
            if (!serve(next, handler)) {
                return next;
            }
        }
    }

    @Override
    public ExitReason run() {
        return next();
    }

    private synchronized ExitReason next() {
        while (stubborn) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitReason.Nothing.INSTANCE;
            }
        }
        while (script.isEmpty() && !kicked && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitReason.Nothing.INSTANCE;
            }
        }
        if (kicked || closed || script.isEmpty()) {
            kicked = false;
            return ExitReason.Nothing.INSTANCE;
        }
        return script.removeFirst();
    }

    private boolean serve(ExitReason e, DeviceAccessHandler h) {
        switch (e) {
            case ExitReason.MmioRead r -> recordRead(h.mmioRead(r.addr().value(), r.width()));
            case ExitReason.MmioWrite w -> h.mmioWrite(w.addr().value(), w.width(), w.data());
            case ExitReason.IoRead r -> recordRead(h.ioRead(r.port().number(), r.width()));
            case ExitReason.IoWrite w -> h.ioWrite(w.port().number(), w.width(), w.data());
            case ExitReason.SysRegRead r -> recordRead(h.sysRegRead(r.addr().value()));
            case ExitReason.SysRegWrite w -> h.sysRegWrite(w.addr().value(), w.value());
            case ExitReason.NestedPageFault f -> {
                return h.nestedPageFault(f.addr().value(), f.accessFlags());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private synchronized void recordRead(long value) {
        readResults.add(value);
    }

    /** Appends exits to the script (wakes a blocked run). */
    public synchronized void append(ExitReason... exits) {
        script.addAll(List.of(exits));
        notifyAll();
    }

    @Override
    public void bind() {
        faults.call("bind");
        call("bind");
    }

    @Override
    public void unbind() {
        call("unbind");
    }

    @Override
    public synchronized void setGpr(int reg, long value) {
        calls.add("setGpr " + reg);
        gprs[reg] = value;
    }

    @Override
    public synchronized long getGpr(int reg) {
        return gprs[reg];
    }

    @Override
    public synchronized void injectInterrupt(int vector) {
        injected.add(vector);
    }

    @Override
    public void setExternalInterruptLevel(boolean asserted) {
        call("external " + asserted);
    }

    @Override
    public void setReturnValue(long value) {
        call("ret 0x" + Long.toHexString(value));
    }

    @Override
    public void completeRead(long value) {
        call("read 0x" + Long.toHexString(value));
    }

    /** The general registers (encoding 1: the version byte, then 32 registers of 8 bytes). */
    @Override
    public synchronized byte[] saveState() {
        call("saveState");
        StateWriter w = new StateWriter(1);
        for (long r : gprs) {
            w.putLong(r);
        }
        return w.toByteArray();
    }

    @Override
    public synchronized void restoreState(byte[] state) {
        call("restoreState");
        StateReader r = new StateReader("scripted vCPU " + config.vcpuId() + " state", state, 1);
        long[] regs = new long[gprs.length];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = r.getLong("x" + i);
        }
        r.end();
        System.arraycopy(regs, 0, gprs, 0, regs.length);
    }

    @Override
    public synchronized void kick() {
        kicked = true;
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
