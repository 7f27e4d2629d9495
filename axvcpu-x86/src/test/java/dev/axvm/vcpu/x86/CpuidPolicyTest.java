package dev.axvm.vcpu.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The guest's CPUID derived from what KVM supports (no KVM needed: the policy is pure). */
class CpuidPolicyTest {
    // "KVMKVMKVM\0\0\0" as EBX, ECX, EDX.
    private static final CpuidEntry KVM_SIGNATURE = new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d_564b,
            0x564b_4d56, 0x4d);
    private static final CpuidEntry KVM_FEATURES = new CpuidEntry(0x4000_0001, 0, 0, 0x0100_00fb, 0, 0, 0);
    private static final CpuidEntry FEATURES = new CpuidEntry(1, 0, 0, 0x000a_0f10, 0x0010_0800, 0xf6d8_3223 | 1 << 5,
            0x178b_fbff);
    private static final List<CpuidEntry> SUPPORTED = List.of(FEATURES, KVM_SIGNATURE, KVM_FEATURES,
            new CpuidEntry(0x8000_0001, 0, 0, 0, 0, 0x2 | 1 << 2, 0));

    private static Optional<CpuidEntry> leaf(List<CpuidEntry> l, int function) {
        return l.stream().filter(e -> e.function() == function).findFirst();
    }

    @Test
    void kvmsParavirtualLeavesMoveUpABlockSoThatKvmclockStaysVisibleBesideOurSignature() {
        List<CpuidEntry> guest = CpuidPolicy.forGuest(SUPPORTED, 0, true);
        CpuidEntry ours = leaf(guest, 0x4000_0000).orElseThrow();
        assertEquals(CpuidPolicy.signatureWords()[0], ours.ebx());
        CpuidEntry kvm = leaf(guest, 0x4000_0100).orElseThrow();
        assertEquals(KVM_SIGNATURE.ebx(), kvm.ebx(), "KVM's signature at 0x40000100");
        assertEquals(0x4000_0101, kvm.eax(), "its last leaf moves with it");
        assertEquals(KVM_FEATURES.eax(), leaf(guest, 0x4000_0101).orElseThrow().eax(), "kvmclock and the PV features");
        assertTrue(leaf(guest, 0x4000_0001).isEmpty());
    }

    @Test
    void theApicIdHypervisorBitAndTscDeadlineTimerAreSetAndVirtualizationIsHidden() {
        CpuidEntry with = leaf(CpuidPolicy.forGuest(SUPPORTED, 3, true), 1).orElseThrow();
        assertEquals(3, with.ebx() >>> 24);
        assertTrue((with.ecx() & 1 << 31) != 0, "hypervisor present");
        assertEquals(0, with.ecx() & 1 << 5, "no VMX");
        assertTrue((with.ecx() & 1 << 24) != 0, "TSC deadline with the in-kernel LAPIC");
        CpuidEntry without = leaf(CpuidPolicy.forGuest(SUPPORTED, 3, false), 1).orElseThrow();
        assertEquals(0, without.ecx() & 1 << 24, "no TSC deadline without it");
        assertEquals(0, leaf(CpuidPolicy.forGuest(SUPPORTED, 0, true), 0x8000_0001).orElseThrow().ecx() & 1 << 2, "no SVM");
    }

    @Test
    void paravirtFeaturesTurnedOffAreClearedInKvmsFeatureLeafOnly() {
        int bits = CpuidPolicy.paravirtBits(Set.of("kvm-pv-eoi", "kvmclock"));
        assertEquals(1 << 6 | 1 << 3 | 1, bits, "PV EOI, and both kvmclock leaves");
        List<CpuidEntry> guest = CpuidPolicy.forGuest(CpuidPolicy.withoutParavirt(SUPPORTED, bits), 0, true);
        assertEquals(KVM_FEATURES.eax() & ~bits, leaf(guest, 0x4000_0101).orElseThrow().eax());
        assertEquals(leaf(CpuidPolicy.forGuest(SUPPORTED, 0, true), 1), leaf(guest, 1), "the other leaves are untouched");
        assertSame(SUPPORTED, CpuidPolicy.withoutParavirt(SUPPORTED, 0));
    }

    @Test
    void everyParavirtFeatureNameHasItsOwnBitsAndAnUnknownNameIsRefusedByName() {
        int all = 0;
        for (String name : CpuidPolicy.paravirtFeatureNames()) {
            int b = CpuidPolicy.paravirtBits(Set.of(name));
            assertTrue(b != 0 && (all & b) == 0, name + " shares a bit");
            all |= b;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuidPolicy.paravirtBits(Set.of("kvm-pv-eio")));
        assertTrue(e.getMessage().startsWith("\"kvm-pv-eio\" is not a KVM paravirtual feature"), e.getMessage());
    }
}
