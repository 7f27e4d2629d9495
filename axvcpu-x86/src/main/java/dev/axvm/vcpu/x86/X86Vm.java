package dev.axvm.vcpu.x86;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmDoorbell;
import dev.axvm.kvm.KvmException;
import dev.axvm.kvm.KvmVm;
import dev.axvm.kvm.internal.Shim;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.ArchVmConfig;
import dev.axvm.vcpu.spi.Doorbell;
import dev.axvm.vcpu.spi.Teardown;
import dev.axvm.vcpu.spi.StateReader;
import dev.axvm.vcpu.spi.StateWriter;
import dev.axvm.vcpu.x86.internal.X86Msrs;
import dev.axvm.vcpu.x86.internal.X86Shim;
import dev.axvm.vcpu.x86.internal.X86VmPart;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An x86_64 VM on KVM: memory slots, vCPUs, and optionally the in-kernel irqchip (PIC, IOAPIC,
 * per-vCPU LAPIC, PIT). Closing it closes its vCPUs, the VM and the KVM handle it opened.
 */
public final class X86Vm implements ArchVm {
    /** Where KVM keeps the real-mode TSS on Intel (three pages); kept clear of RAM and devices. */
    public static final long TSS_ADDR = 0xfffb_d000L;
    /** Where KVM keeps the real-mode identity page table on Intel (one page). */
    public static final long IDENTITY_MAP_ADDR = 0xfffb_c000L;
    /** The IOAPIC's registers when the in-kernel irqchip is on. */
    public static final long IOAPIC_BASE = 0xfec0_0000L;
    /** The LAPIC's registers when the in-kernel irqchip is on. */
    public static final long LAPIC_BASE = 0xfee0_0000L;

    private static final int MAX_CPUID_ENTRIES = 256;
    private static final int STATE_VERSION = 1;
    // What KVM supports is a property of the host and the kernel: read once per process.
    private static volatile List<CpuidEntry> supportedCpuidCache;

    private final int vmId;
    private final Kvm kvm;
    private final KvmVm vm;
    private final boolean irqchip;
    private final List<CpuidEntry> supportedCpuid;
    private final List<X86VCpu> vcpus = new ArrayList<>();
    private boolean closed;

    private X86Vm(int vmId, Kvm kvm, KvmVm vm, boolean irqchip, List<CpuidEntry> supportedCpuid) {
        this.vmId = vmId;
        this.kvm = kvm;
        this.vm = vm;
        this.irqchip = irqchip;
        this.supportedCpuid = supportedCpuid;
    }

    /** Creates a VM on {@link Kvm#DEFAULT_DEVICE}. */
    public static X86Vm create(ArchVmConfig config) {
        // Before opening anything: an unknown feature name is the caller's mistake.
        int paravirtOffBits = CpuidPolicy.paravirtBits(config.paravirtOff());
        Kvm kvm = Kvm.open();
        KvmVm vm = null;
        try {
            vm = kvm.createVm();
            Shim.check(X86Shim.setTssAddr(vm.fd(), TSS_ADDR), "KVM_SET_TSS_ADDR");
            Shim.check(X86Shim.setIdentityMapAddr(vm.fd(), IDENTITY_MAP_ADDR), "KVM_SET_IDENTITY_MAP_ADDR");
            if (config.inKernelIrqchip()) {
                Shim.check(X86Shim.createIrqchip(vm.fd()), "KVM_CREATE_IRQCHIP");
                Shim.check(X86Shim.createPit2(vm.fd()), "KVM_CREATE_PIT2");
            }
            return new X86Vm(config.vmId(), kvm, vm, config.inKernelIrqchip(),
                    CpuidPolicy.withoutParavirt(supportedCpuid(kvm), paravirtOffBits));
        } catch (RuntimeException e) {
            if (vm != null) {
                vm.close();
            }
            kvm.close();
            throw e;
        }
    }

    private static List<CpuidEntry> supportedCpuid(Kvm kvm) {
        List<CpuidEntry> cached = supportedCpuidCache;
        if (cached == null) {
            cached = readSupportedCpuid(kvm);
            supportedCpuidCache = cached;
        }
        return cached;
    }

    private static List<CpuidEntry> readSupportedCpuid(Kvm kvm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment words = arena.allocate((long) MAX_CPUID_ENTRIES * X86Shim.CPUID_WORDS * 4, 4);
            int n = Shim.check(X86Shim.supportedCpuid(kvm.fd(), words, MAX_CPUID_ENTRIES), "KVM_GET_SUPPORTED_CPUID");
            List<CpuidEntry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long o = (long) i * X86Shim.CPUID_WORDS * 4;
                out.add(new CpuidEntry(w(words, o), w(words, o + 4), w(words, o + 8), w(words, o + 12), w(words, o + 16),
                        w(words, o + 20), w(words, o + 24)));
            }
            return List.copyOf(out);
        }
    }

    private static int w(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_INT, offset);
    }

    /** The VM's id. */
    public int vmId() {
        return vmId;
    }

    /** What KVM's CPUID support reports on this host, before the guest policy is applied. */
    public List<CpuidEntry> supportedCpuid() {
        return supportedCpuid;
    }

    KvmVm kvmVm() {
        return vm;
    }

    /** The MSRs a vCPU's saved state carries (see {@link X86Msrs#list}). */
    int[] msrList() {
        return X86Msrs.list(kvm.fd());
    }

    @Override
    public void mapRam(long gpa, MemorySegment host, MappingFlags flags) {
        vm.mapMemory(gpa, host, !flags.has(MappingFlags.WRITE_BIT));
    }

    @Override
    public void unmapRam(long gpa) {
        vm.unmapMemory(gpa);
    }

    /** KVM_MEM_LOG_DIRTY_PAGES on the RAM's memory slot. */
    @Override
    public void logDirtyPages(long gpa, boolean on) {
        vm.logDirtyPages(gpa, on);
    }

    /** KVM_GET_DIRTY_LOG of the RAM's memory slot. */
    @Override
    public long[] dirtyPages(long gpa) {
        return vm.dirtyPages(gpa);
    }

    @Override
    public synchronized X86VCpu createVcpu(VCpuCreateConfig config) {
        if (closed) {
            throw new IllegalStateException("VM " + vmId + " is closed");
        }
        X86VCpu vcpu = new X86VCpu(this, vm.createVcpu(config.vcpuId()), config, irqchip);
        vcpus.add(vcpu);
        return vcpu;
    }

    /** KVM's ioeventfd; throws {@code KvmException} when the kernel refuses one (the VM then takes the exit). */
    @Override
    public Optional<Doorbell> doorbell(long gpa, int length) {
        KvmDoorbell d = KvmDoorbell.open(vm, gpa, length);
        return Optional.of(Doorbell.of(d::await, d::stop, d::close));
    }

    @Override
    public void setIrqLine(int line, boolean high) {
        if (!irqchip) {
            throw new UnsupportedOperationException("VM " + vmId + " has no in-kernel irqchip; inject vectors into vCPUs instead");
        }
        vm.irqLine(line, high);
    }

    @Override
    public boolean hasInKernelIrqchip() {
        return irqchip;
    }

    /**
     * With the in-kernel irqchip, application processors wait inside KVM for the INIT/SIPI a guest
     * kernel sends through its LAPIC (as Linux brings up the CPUs its MADT lists), so every vCPU
     * runs from boot. Without it, AxVM's platform call CPU_ON starts them ({@link X86Ports}).
     */
    @Override
    public boolean startsSecondaryVcpus() {
        return irqchip;
    }

    /**
     * Delivers {@code vector} to the LAPIC with id {@code apicId} as a fixed, edge-triggered MSI
     * (in-kernel irqchip only). Safe from any thread.
     */
    void signalMsi(long apicId, int vector) {
        int fd = vm.beginUse();
        if (fd < 0) {
            return; // the VM is closing: the interrupt goes nowhere
        }
        try {
            long address = LAPIC_BASE | (apicId & 0xff) << 12;
            int rc = X86Shim.signalMsi(fd, address, vector);
            if (rc < 0) {
                throw new KvmException("KVM_SIGNAL_MSI(vector " + vector + " to APIC " + apicId + ")", -rc);
            }
        } finally {
            vm.endUse();
        }
    }

    @Override
    public Map<String, GuestPhysAddrRange> reservedRanges() {
        Map<String, GuestPhysAddrRange> r = new LinkedHashMap<>();
        r.put("KVM real-mode identity map", new GuestPhysAddrRange(IDENTITY_MAP_ADDR, 0x1000));
        r.put("KVM real-mode TSS", new GuestPhysAddrRange(TSS_ADDR, 0x3000));
        if (irqchip) {
            r.put("IOAPIC", new GuestPhysAddrRange(IOAPIC_BASE, 0x1000));
            r.put("LAPIC", new GuestPhysAddrRange(LAPIC_BASE, 0x1000));
        }
        return Collections.unmodifiableMap(r);
    }

    /**
     * Encoding 1: the version byte, whether the in-kernel irqchip is on (0 or 1), then with it
     * each {@link X86VmPart} in declaration order as a length-prefixed block of KVM's struct; last
     * the guest clock (kvmclock) in nanoseconds. A restored clock goes on from where it was
     * saved: the guest sees no time pass while it was frozen.
     */
    @Override
    public synchronized byte[] saveState() {
        requireOpen();
        StateWriter w = new StateWriter(STATE_VERSION).putByte(irqchip ? 1 : 0);
        if (irqchip) {
            try (Arena a = Arena.ofConfined()) {
                for (X86VmPart p : X86VmPart.values()) {
                    MemorySegment buf = a.allocate(p.size(), 64);
                    Shim.check(X86Shim.getVmPart(vm.fd(), p.ordinal(), buf), "get " + p.label() + " (VM " + vmId + ")");
                    w.putBlock(buf.toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ns = a.allocate(ValueLayout.JAVA_LONG);
            Shim.check(X86Shim.getClock(vm.fd(), ns), "KVM_GET_CLOCK (VM " + vmId + ")");
            w.putLong(ns.get(ValueLayout.JAVA_LONG, 0));
        }
        return w.toByteArray();
    }

    @Override
    public synchronized void restoreState(byte[] state) {
        requireOpen();
        String what = "x86 VM " + vmId + " state";
        StateReader r = new StateReader(what, state, STATE_VERSION);
        int saved = r.getByte("irqchip");
        if (saved != (irqchip ? 1 : 0)) {
            throw r.refused(saved > 1 ? "irqchip flag " + saved + " at offset 1"
                    : "saved " + (saved == 1 ? "with" : "without") + " the in-kernel irqchip, restored into a VM "
                            + (irqchip ? "with" : "without") + " it");
        }
        byte[][] parts = new byte[X86VmPart.values().length][];
        if (irqchip) {
            for (X86VmPart p : X86VmPart.values()) {
                parts[p.ordinal()] = r.getBlock(p.label(), p.size());
            }
        }
        long clock = r.getLong("guest clock");
        r.end();
        if (irqchip) {
            try (Arena a = Arena.ofConfined()) {
                for (X86VmPart p : X86VmPart.values()) {
                    MemorySegment buf = a.allocateFrom(ValueLayout.JAVA_BYTE, parts[p.ordinal()]);
                    refusedIfFailed(X86Shim.setVmPart(vm.fd(), p.ordinal(), buf), "set " + p.label(), what);
                }
            }
        }
        refusedIfFailed(X86Shim.setClock(vm.fd(), clock), "KVM_SET_CLOCK", what);
    }

    private static void refusedIfFailed(int rc, String op, String what) {
        if (rc < 0) {
            throw new IllegalArgumentException(what + ": " + new KvmException(op, -rc).getMessage());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("VM " + vmId + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Teardown teardown = new Teardown();
        for (X86VCpu v : vcpus) {
            teardown.run(v::close);
        }
        vcpus.clear();
        teardown.run(vm::close);
        teardown.run(kvm::close);
        teardown.finish("closing VM " + vmId);
    }
}
