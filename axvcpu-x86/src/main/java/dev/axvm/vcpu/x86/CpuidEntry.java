package dev.axvm.vcpu.x86;

/**
 * One CPUID leaf (and sub-leaf) as KVM reports and accepts it.
 *
 * @param function EAX input (leaf)
 * @param index ECX input (sub-leaf)
 * @param flags KVM's flags (bit 0: the sub-leaf index is significant)
 * @param eax output EAX
 * @param ebx output EBX
 * @param ecx output ECX
 * @param edx output EDX
 */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    /** A copy with new output registers. */
    public CpuidEntry withRegisters(int newEax, int newEbx, int newEcx, int newEdx) {
        return new CpuidEntry(function, index, flags, newEax, newEbx, newEcx, newEdx);
    }
}
