package dev.axvm.vcpu;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** An AxArchVCpu that replays exits and records the calls it gets; it can be told to fail. */
final class ScriptedArchVCpu implements AxArchVCpu {
    final Deque<ExitReason> exits = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();
    RuntimeException failNext;
    final long[] gprs = new long[32];

    private void call(String name) {
        calls.add(name);
        RuntimeException f = failNext;
        if (f != null) {
            failNext = null;
            throw f;
        }
    }

    @Override
    public void setEntry(GuestPhysAddr entry) {
        call("setEntry " + entry);
    }

    @Override
    public void setNestedRoot(HostPhysAddr root) {
        call("setNestedRoot " + root);
    }

    @Override
    public void setup(VCpuSetupConfig config) {
        call("setup " + config.mode());
    }

    @Override
    public ExitReason run(DeviceAccessHandler handler) {
        call("run(handler)");
        return exits.isEmpty() ? ExitReason.Nothing.INSTANCE : exits.removeFirst();
    }

    @Override
    public ExitReason run() {
        call("run");
        return exits.isEmpty() ? ExitReason.Nothing.INSTANCE : exits.removeFirst();
    }

    @Override
    public void bind() {
        call("bind");
    }

    @Override
    public void unbind() {
        call("unbind");
    }

    @Override
    public void setGpr(int reg, long value) {
        call("setGpr " + reg);
        gprs[reg] = value;
    }

    @Override
    public long getGpr(int reg) {
        call("getGpr " + reg);
        return gprs[reg];
    }

    @Override
    public void injectInterrupt(int vector) {
        call("inject " + vector);
    }

    @Override
    public void setReturnValue(long value) {
        call("ret " + value);
    }

    @Override
    public void completeRead(long value) {
        call("read " + value);
    }

    @Override
    public void kick() {
        call("kick");
    }

    @Override
    public void close() {
        calls.add("close");
    }
}
