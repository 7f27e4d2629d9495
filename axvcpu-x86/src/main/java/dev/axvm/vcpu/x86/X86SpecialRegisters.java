package dev.axvm.vcpu.x86;

/**
 * Segment, descriptor-table and control registers of an x86_64 vCPU.
 *
 * @param cs code segment
 * @param ds data segment
 * @param es extra segment
 * @param fs FS
 * @param gs GS
 * @param ss stack segment
 * @param tr task register
 * @param ldt local descriptor table
 * @param gdt GDTR
 * @param idt IDTR
 * @param cr0 CR0 (PE bit 0, PG bit 31)
 * @param cr2 CR2
 * @param cr3 CR3 (the guest's page-table root)
 * @param cr4 CR4 (PAE bit 5)
 * @param cr8 CR8
 * @param efer IA32_EFER (LME bit 8, LMA bit 10)
 * @param apicBase IA32_APIC_BASE
 */
public record X86SpecialRegisters(X86Segment cs, X86Segment ds, X86Segment es, X86Segment fs, X86Segment gs,
        X86Segment ss, X86Segment tr, X86Segment ldt, X86DescriptorTable gdt, X86DescriptorTable idt, long cr0,
        long cr2, long cr3, long cr4, long cr8, long efer, long apicBase) {

    /** CR0.PE: protected mode. */
    public static final long CR0_PE = 1;
    /** CR0.ET: extension type (always 1 on modern CPUs). */
    public static final long CR0_ET = 1 << 4;
    /** CR0.PG: paging. */
    public static final long CR0_PG = 1L << 31;
    /** CR4.PAE: physical address extension (required for long mode). */
    public static final long CR4_PAE = 1 << 5;
    /** EFER.LME: long mode enable. */
    public static final long EFER_LME = 1 << 8;
    /** EFER.LMA: long mode active. */
    public static final long EFER_LMA = 1 << 10;

    /** A copy with the segment registers replaced. */
    public X86SpecialRegisters withSegments(X86Segment code, X86Segment data, X86Segment task) {
        return new X86SpecialRegisters(code, data, data, data, data, data, task, ldt, gdt, idt, cr0, cr2, cr3, cr4, cr8,
                efer, apicBase);
    }

    /** A copy with new descriptor tables and control registers. */
    public X86SpecialRegisters withControl(X86DescriptorTable newGdt, X86DescriptorTable newIdt, long newCr0, long newCr3,
            long newCr4, long newEfer) {
        return new X86SpecialRegisters(cs, ds, es, fs, gs, ss, tr, ldt, newGdt, newIdt, newCr0, cr2, newCr3, newCr4, cr8,
                newEfer, apicBase);
    }
}
