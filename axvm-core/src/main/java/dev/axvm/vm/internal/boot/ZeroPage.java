package dev.axvm.vm.internal.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The zero page (struct boot_params, Documentation/arch/x86/zero-page.rst) a bzImage's 64-bit
 * entry finds in RSI: the kernel's own setup header with the loader's fields filled in
 * ({@code type_of_loader}, {@code cmd_line_ptr}, the ramdisk), the e820 map and the RSDP address.
 */
public final class ZeroPage {
    /** The zero page's size. */
    public static final int SIZE = 4096;
    /** {@code type_of_loader}: 0xff, a loader without an assigned id. */
    public static final int UNDEFINED_LOADER = 0xff;

    private static final int ACPI_RSDP_ADDR = 0x070;
    private static final int EXT_RAMDISK_IMAGE = 0x0c0;
    private static final int EXT_RAMDISK_SIZE = 0x0c4;
    private static final int EXT_CMD_LINE_PTR = 0x0c8;
    private static final int E820_ENTRIES = 0x1e8;
    private static final int TYPE_OF_LOADER = 0x210;
    private static final int LOADFLAGS = 0x211;
    private static final int RAMDISK_IMAGE = 0x218;
    private static final int RAMDISK_SIZE = 0x21c;
    private static final int CMD_LINE_PTR = 0x228;
    private static final int E820_TABLE = 0x2d0;
    private static final int E820_ENTRY_SIZE = 20;
    private static final int KEEP_SEGMENTS = 1 << 6;

    private ZeroPage() {}

    /**
     * The zero page for {@code kernel}.
     *
     * @param cmdline where the NUL-terminated command line is
     * @param ramdisk the initial ramdisk's address and size (size 0: none)
     */
    public static byte[] build(BzImage kernel, long cmdline, long ramdisk, long ramdiskSize, E820Map memory, long rsdp) {
        byte[] page = new byte[SIZE];
        System.arraycopy(kernel.setupHeader(), 0, page, BzImage.SETUP_HEADER, kernel.setupHeader().length);
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        b.put(TYPE_OF_LOADER, (byte) UNDEFINED_LOADER);
        b.put(LOADFLAGS, (byte) (page[LOADFLAGS] & ~KEEP_SEGMENTS)); // the kernel loads its own segments
        b.putInt(CMD_LINE_PTR, (int) cmdline).putInt(EXT_CMD_LINE_PTR, (int) (cmdline >>> 32));
        b.putInt(RAMDISK_IMAGE, (int) ramdisk).putInt(EXT_RAMDISK_IMAGE, (int) (ramdisk >>> 32));
        b.putInt(RAMDISK_SIZE, (int) ramdiskSize).putInt(EXT_RAMDISK_SIZE, (int) (ramdiskSize >>> 32));
        b.putLong(ACPI_RSDP_ADDR, rsdp);
        b.put(E820_ENTRIES, (byte) memory.entries().size());
        memory.writeTo(b, E820_TABLE, E820_ENTRY_SIZE);
        return page;
    }
}
