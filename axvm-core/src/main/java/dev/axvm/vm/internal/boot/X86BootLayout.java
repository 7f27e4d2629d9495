package dev.axvm.vm.internal.boot;

/**
 * Where an x86 Linux guest's boot structures go in low guest RAM. Below 0x8000 the vCPU's own
 * entry structures (GDT, identity page tables: {@code X86EntryState}) take 0x1000..0x8000; then the
 * zero page (or PVH start info with its module list and memory map), the command line, and the ACPI
 * tables in the BIOS area, where a kernel that scans for the RSDP finds them too, and at the reset
 * vector what a firmware would do there. The kernel goes at 1 MiB or above, the initial ramdisk at
 * the top of RAM.
 */
public final class X86BootLayout {
    /** boot_params (bzImage) or hvm_start_info (PVH): one page. */
    public static final long BOOT_INFO = 0x8000;
    /** The PVH module list, inside the start info's page. */
    public static final long PVH_MODULES = BOOT_INFO + 0x40;
    /** The PVH memory map, inside the start info's page (128 entries of 24 bytes). */
    public static final long PVH_MEMMAP = BOOT_INFO + 0x80;
    /** The command line. */
    public static final long CMDLINE = 0x2_0000;
    /** The ACPI tables (RSDP first), in the 0xE0000..0xFFFFF window the RSDP scan covers. */
    public static final long ACPI = 0xe_0000;
    /** The bytes the ACPI tables may take (up to the page of the reset vector). */
    public static final long ACPI_SIZE = 0x1_f000;
    /** Where a processor reset starts (F000:FFF0): {@link ResetVectorStub} goes there. */
    public static final long RESET_VECTOR = 0xf_fff0;
    /** The longest command line a PVH kernel takes (x86's COMMAND_LINE_SIZE less the NUL). */
    public static final int PVH_CMDLINE_MAX = 2047;

    private X86BootLayout() {}
}
