package dev.axvm.vcpu.x86.internal;

import dev.axvm.kvm.internal.Shim;
import java.util.List;

/**
 * The parts of an x86 vCPU's saved state, in the shim's numbering (axvm_x86_vcpu_part): each is
 * one of KVM's fixed-size structs, whose layout only the shim knows.
 */
public enum X86VcpuPart {
    REGS("general registers"),
    SREGS("special registers"),
    XSAVE("XSAVE area"),
    XCRS("extended control registers"),
    LAPIC("local APIC"),
    MP_STATE("multiprocessing state"),
    DEBUGREGS("debug registers"),
    EVENTS("pending events");

    /**
     * KVM's order for a restore: the run state first, special registers (APIC base) before the
     * local APIC; the model-specific registers come after these, and pending events last, so that
     * nothing set later discards an event.
     */
    public static final List<X86VcpuPart> BEFORE_MSRS = List.of(MP_STATE, REGS, SREGS, XSAVE, XCRS, DEBUGREGS, LAPIC);

    private final String label;
    private final int size;

    X86VcpuPart(String label) {
        this.label = label;
        this.size = Shim.check(X86Shim.vcpuPartSize(ordinal()), "axvm_x86_vcpu_part_size(" + name() + ")");
    }

    /** What the part is, for messages. */
    public String label() {
        return label;
    }

    /** The part's size in bytes on this host. */
    public int size() {
        return size;
    }
}
