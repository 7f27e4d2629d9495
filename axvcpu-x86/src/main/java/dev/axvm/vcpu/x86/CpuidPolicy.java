package dev.axvm.vcpu.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a guest sees of CPUID, derived from what KVM supports the way AxVisor's x86 vCPU filters
 * it: virtualization extensions hidden (no nested VMX/SVM), the hypervisor-present bit set, our
 * own hypervisor leaf at 0x40000000, and the vCPU's APIC id in the topology leaves.
 *
 * <p>KVM's paravirtual leaves (signature "KVMKVMKVM", kvmclock and the other PV features) move one
 * block up, to 0x40000100: a Linux guest scans the hypervisor range in steps of 0x100 for KVM's
 * signature, so it still finds kvmclock (its clock source, and how it learns the TSC frequency
 * without a PIT), while a guest that reads 0x40000000 meets AxVM. With the in-kernel LAPIC the
 * TSC-deadline timer is offered too: KVM emulates it but does not list it as supported.
 */
public final class CpuidPolicy {
    /** The hypervisor vendor signature at leaf 0x40000000 (EBX, ECX, EDX). */
    public static final String SIGNATURE = "AxVM-for-JVM";
    private static final int LEAF_FEATURES = 1;
    private static final int LEAF_EXT_TOPOLOGY = 0xb;
    private static final int LEAF_V2_TOPOLOGY = 0x1f;
    private static final int LEAF_HYPERVISOR = 0x4000_0000;
    private static final int LEAF_EXT_FEATURES = 0x8000_0001;
    private static final int ECX_VMX = 1 << 5;
    private static final int ECX_HYPERVISOR = 1 << 31;
    private static final int ECX_SVM = 1 << 2;
    private static final int ECX_TSC_DEADLINE = 1 << 24;
    private static final int KVM_LEAVES_OFFSET = 0x100;
    private static final int LEAF_KVM_FEATURES = 0x4000_0001;
    // KVM_FEATURE_* bit numbers of leaf 0x40000001 EAX (Linux's uapi kvm_para.h), under QEMU's names.
    private static final Map<String, Integer> PARAVIRT_BITS = Map.ofEntries(
            Map.entry("kvmclock", 1 << 0 | 1 << 3), Map.entry("kvm-nopiodelay", 1 << 1),
            Map.entry("kvm-asyncpf", 1 << 4), Map.entry("kvm-steal-time", 1 << 5), Map.entry("kvm-pv-eoi", 1 << 6),
            Map.entry("kvm-pv-unhalt", 1 << 7), Map.entry("kvm-pv-tlb-flush", 1 << 9),
            Map.entry("kvm-asyncpf-vmexit", 1 << 10), Map.entry("kvm-pv-ipi", 1 << 11),
            Map.entry("kvm-poll-control", 1 << 12), Map.entry("kvm-pv-sched-yield", 1 << 13),
            Map.entry("kvm-asyncpf-int", 1 << 14), Map.entry("kvm-msi-ext-dest-id", 1 << 15));
    private static final int LEAF_HYPERVISOR_LAST = 0x4000_00ff;

    private CpuidPolicy() {}

    /**
     * The guest's CPUID for the vCPU with APIC id {@code apicId}.
     *
     * @param inKernelLapic whether the VM has KVM's in-kernel LAPIC (then the TSC-deadline timer is offered)
     */
    public static List<CpuidEntry> forGuest(List<CpuidEntry> supported, int apicId, boolean inKernelLapic) {
        List<CpuidEntry> out = new ArrayList<>(supported.size() + 1);
        int deadline = inKernelLapic ? ECX_TSC_DEADLINE : 0;
        for (CpuidEntry e : supported) {
            if (Integer.compareUnsigned(e.function(), LEAF_HYPERVISOR) >= 0
                    && Integer.compareUnsigned(e.function(), LEAF_HYPERVISOR_LAST) <= 0) {
                out.add(kvmLeafMovedUp(e));
                continue;
            }
            out.add(switch (e.function()) {
                case LEAF_FEATURES -> e.withRegisters(e.eax(), (e.ebx() & 0x00ff_ffff) | apicId << 24,
                        (e.ecx() & ~ECX_VMX) | ECX_HYPERVISOR | deadline, e.edx());
                case LEAF_EXT_FEATURES -> e.withRegisters(e.eax(), e.ebx(), e.ecx() & ~ECX_SVM, e.edx());
                case LEAF_EXT_TOPOLOGY, LEAF_V2_TOPOLOGY -> e.withRegisters(e.eax(), e.ebx(), e.ecx(), apicId);
                default -> e;
            });
        }
        int[] sig = signatureWords();
        out.add(new CpuidEntry(LEAF_HYPERVISOR, 0, 0, LEAF_HYPERVISOR, sig[0], sig[1], sig[2]));
        return out;
    }

    /** The names of the paravirtual features {@link #paravirtBits} knows. */
    public static Set<String> paravirtFeatureNames() {
        return PARAVIRT_BITS.keySet();
    }

    /**
     * The KVM feature bits (leaf 0x40000001 EAX) of the features named.
     *
     * @throws IllegalArgumentException naming a feature that is not one of {@link #paravirtFeatureNames()}
     */
    public static int paravirtBits(Set<String> names) {
        int bits = 0;
        for (String n : names) {
            Integer b = PARAVIRT_BITS.get(n);
            if (b == null) {
                throw new IllegalArgumentException("\"" + n + "\" is not a KVM paravirtual feature (one of "
                        + new TreeSet<>(PARAVIRT_BITS.keySet()) + ")");
            }
            bits |= b;
        }
        return bits;
    }

    /** {@code supported} with the KVM feature bits {@code bits} cleared, for every vCPU of a VM. */
    public static List<CpuidEntry> withoutParavirt(List<CpuidEntry> supported, int bits) {
        if (bits == 0) {
            return supported;
        }
        return supported.stream().map(e -> e.function() == LEAF_KVM_FEATURES
                ? e.withRegisters(e.eax() & ~bits, e.ebx(), e.ecx(), e.edx()) : e).toList();
    }

    /** KVM's leaf {@code e} at 0x40000100 and up; the range leaf's EAX (the last leaf) moves with it. */
    private static CpuidEntry kvmLeafMovedUp(CpuidEntry e) {
        int eax = e.function() == LEAF_HYPERVISOR ? e.eax() + KVM_LEAVES_OFFSET : e.eax();
        return new CpuidEntry(e.function() + KVM_LEAVES_OFFSET, e.index(), e.flags(), eax, e.ebx(), e.ecx(), e.edx());
    }

    /** The signature as the three little-endian words a guest reads in EBX, ECX, EDX. */
    static int[] signatureWords() {
        ByteBuffer b = ByteBuffer.wrap(SIGNATURE.getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {b.getInt(0), b.getInt(4), b.getInt(8)};
    }
}
