package dev.axvm.vcpu.x86;

import dev.axvm.addrspace.GuestMemory;

/**
 * The three ways an AxVM x86 vCPU can start, each building on the vCPU's reset state:
 *
 * <ul>
 *   <li>{@link #realMode}: 16-bit real mode with CS:IP at the entry — how AxVisor's x86 guests
 *       start (a small real-mode BIOS at 0x8000). Needs nothing in guest memory.
 *   <li>{@link #protectedMode}: 32-bit flat protected mode, paging off. Writes a GDT at the
 *       scratch address (selectors: 0x08 code, 0x10 data).
 *   <li>{@link #longMode}: 64-bit long mode with the first 4 GiB identity-mapped by 2 MiB pages.
 *       Writes a GDT (0x08 32-bit code, 0x10 data, 0x18 64-bit code), a PML4, a PDPT and four
 *       page directories: {@link #SCRATCH_SIZE} bytes from the scratch address, which must be
 *       RAM the guest leaves alone until it installs its own tables.
 * </ul>
 *
 * In protected and long mode the stack pointer starts at the scratch address (the stack grows down
 * below it), interrupts are off and the IDT is empty.
 */
public final class X86EntryState {
    /** Where boot structures go when the VM does not say: just above the real-mode IVT and BDA. */
    public static final long DEFAULT_SCRATCH = 0x1000;
    /** Bytes of scratch RAM that protected/long mode use: GDT, PML4, PDPT and four PDs. */
    public static final long SCRATCH_SIZE = 0x7000;
    /** The 32-bit code selector. */
    public static final int CODE32_SELECTOR = 0x08;
    /** The flat data selector. */
    public static final int DATA_SELECTOR = 0x10;
    /** The 64-bit code selector. */
    public static final int CODE64_SELECTOR = 0x18;

    private static final long GDT_CODE32 = 0x00cf_9a00_0000_ffffL;
    private static final long GDT_DATA = 0x00cf_9200_0000_ffffL;
    private static final long GDT_CODE64 = 0x00af_9a00_0000_ffffL;
    private static final long PTE_PRESENT_WRITE = 0x3;
    private static final long PDE_LARGE = 0x80;
    private static final long TWO_MIB = 1L << 21;
    private static final long RFLAGS_RESERVED = 0x2;

    private X86EntryState() {}

    /** Real mode at {@code entry}: CS = (entry / 16) rounded down to 64 KiB, IP = the rest. */
    public static X86BootState realMode(X86SpecialRegisters reset, long entry) {
        if (entry < 0 || entry >= 0x10_fff0) {
            throw new IllegalArgumentException("real-mode entry 0x" + Long.toHexString(entry)
                    + " is beyond what CS:IP can reach (0x10fff0)");
        }
        int selector = (int) ((entry >>> 4) & 0xf000);
        X86Segment code = X86Segment.realMode(selector, true);
        X86Segment data = X86Segment.realMode(0, false);
        X86SpecialRegisters s = reset.withSegments(code, data, reset.tr())
                .withControl(reset.gdt(), new X86DescriptorTable(0, 0x3ff),
                        reset.cr0() & ~(X86SpecialRegisters.CR0_PE | X86SpecialRegisters.CR0_PG), 0, 0, 0);
        return new X86BootState(s, entry - code.base(), 0, RFLAGS_RESERVED);
    }

    /** 32-bit flat protected mode at {@code entry}, with a GDT written at {@code scratch}. */
    public static X86BootState protectedMode(X86SpecialRegisters reset, long entry, GuestMemory memory, long scratch) {
        requireScratch(memory, scratch, 0x1000);
        if (entry < 0 || entry > 0xffff_ffffL) {
            throw new IllegalArgumentException("protected-mode entry 0x" + Long.toHexString(entry) + " is above 4 GiB");
        }
        writeGdt(memory, scratch);
        X86SpecialRegisters s = reset.withSegments(X86Segment.flat(CODE32_SELECTOR, true, false),
                        X86Segment.flat(DATA_SELECTOR, false, false), X86Segment.tss(0))
                .withControl(new X86DescriptorTable(scratch, 4 * 8 - 1), new X86DescriptorTable(0, 0),
                        X86SpecialRegisters.CR0_PE | X86SpecialRegisters.CR0_ET, 0, 0, 0);
        return new X86BootState(s, entry, scratch, RFLAGS_RESERVED);
    }

    /** 64-bit long mode at {@code entry}, with a GDT and identity page tables written at {@code scratch}. */
    public static X86BootState longMode(X86SpecialRegisters reset, long entry, GuestMemory memory, long scratch) {
        requireScratch(memory, scratch, SCRATCH_SIZE);
        writeGdt(memory, scratch);
        long pml4 = scratch + 0x1000;
        long pdpt = scratch + 0x2000;
        long firstPd = scratch + 0x3000;
        for (long i = 0; i < 512; i++) {
            memory.writeLong(pml4 + 8 * i, i == 0 ? pdpt | PTE_PRESENT_WRITE : 0);
            memory.writeLong(pdpt + 8 * i, i < 4 ? (firstPd + 0x1000 * i) | PTE_PRESENT_WRITE : 0);
        }
        for (long pd = 0; pd < 4; pd++) {
            for (long i = 0; i < 512; i++) {
                long frame = (pd * 512 + i) * TWO_MIB;
                memory.writeLong(firstPd + 0x1000 * pd + 8 * i, frame | PTE_PRESENT_WRITE | PDE_LARGE);
            }
        }
        X86SpecialRegisters s = reset.withSegments(X86Segment.flat(CODE64_SELECTOR, true, true),
                        X86Segment.flat(DATA_SELECTOR, false, true), X86Segment.tss(0))
                .withControl(new X86DescriptorTable(scratch, 4 * 8 - 1), new X86DescriptorTable(0, 0),
                        X86SpecialRegisters.CR0_PE | X86SpecialRegisters.CR0_ET | X86SpecialRegisters.CR0_PG, pml4,
                        X86SpecialRegisters.CR4_PAE, X86SpecialRegisters.EFER_LME | X86SpecialRegisters.EFER_LMA);
        return new X86BootState(s, entry, scratch, RFLAGS_RESERVED);
    }

    private static void writeGdt(GuestMemory memory, long at) {
        memory.writeLong(at, 0);
        memory.writeLong(at + 8, GDT_CODE32);
        memory.writeLong(at + 16, GDT_DATA);
        memory.writeLong(at + 24, GDT_CODE64);
    }

    private static void requireScratch(GuestMemory memory, long scratch, long size) {
        if ((scratch & 0xfff) != 0 || !memory.isRam(scratch, size)) {
            throw new IllegalArgumentException(String.format(
                    "x86 boot structures need 0x%x bytes of page-aligned RAM at GPA 0x%x", size, scratch));
        }
    }
}
