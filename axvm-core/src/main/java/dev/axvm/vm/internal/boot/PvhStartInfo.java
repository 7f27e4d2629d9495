package dev.axvm.vm.internal.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The start info a PVH entry finds in EBX (struct hvm_start_info, version 1, from Xen's
 * {@code arch-x86/hvm/start_info.h}): the command line, the initial ramdisk as the one module, the
 * RSDP and the memory map, laid out in one page at {@link X86BootLayout#BOOT_INFO}.
 */
public final class PvhStartInfo {
    /** The start info's magic. */
    public static final int MAGIC = 0x336e_c578;
    /** Version 1: with the memory map. */
    public static final int VERSION = 1;

    private static final int MEMMAP_ENTRY_SIZE = 24;

    private PvhStartInfo() {}

    /** The page at {@link X86BootLayout#BOOT_INFO}: start info, module list, memory map. */
    public static byte[] build(long cmdline, long ramdisk, long ramdiskSize, E820Map memory, long rsdp) {
        byte[] page = new byte[ZeroPage.SIZE];
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        boolean module = ramdiskSize > 0;
        b.putInt(0, MAGIC).putInt(4, VERSION).putInt(8, 0).putInt(12, module ? 1 : 0);
        b.putLong(16, module ? X86BootLayout.PVH_MODULES : 0).putLong(24, cmdline).putLong(32, rsdp);
        b.putLong(40, X86BootLayout.PVH_MEMMAP).putInt(48, memory.entries().size());
        if (module) {
            int m = (int) (X86BootLayout.PVH_MODULES - X86BootLayout.BOOT_INFO);
            b.putLong(m, ramdisk).putLong(m + 8, ramdiskSize); // no module command line
        }
        memory.writeTo(b, (int) (X86BootLayout.PVH_MEMMAP - X86BootLayout.BOOT_INFO), MEMMAP_ENTRY_SIZE);
        return page;
    }
}
