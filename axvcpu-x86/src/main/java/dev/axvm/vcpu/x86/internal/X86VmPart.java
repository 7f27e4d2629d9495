package dev.axvm.vcpu.x86.internal;

import dev.axvm.kvm.internal.Shim;

/**
 * The parts of an x86 VM's in-kernel platform state, in the shim's numbering (axvm_x86_vm_part):
 * KVM's fixed-size structs, whose layout only the shim knows. The guest clock travels as a word.
 */
public enum X86VmPart {
    PIC_MASTER("master PIC"),
    PIC_SLAVE("slave PIC"),
    IOAPIC("IOAPIC"),
    PIT("PIT");

    private final String label;
    private final int size;

    X86VmPart(String label) {
        this.label = label;
        this.size = Shim.check(X86Shim.vmPartSize(ordinal()), "axvm_x86_vm_part_size(" + name() + ")");
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
