package dev.axvm.vm.internal.boot;

import dev.axvm.vm.ImageLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An x86 Linux bzImage, reduced to what the 64-bit boot protocol needs (Documentation/arch/x86/
 * boot.rst): the setup header, checked field by field, and where the protected-mode kernel starts
 * in the file. Only kernels that can be entered in 64-bit mode are taken (boot protocol 2.12 or
 * later with {@code XLF_KERNEL_64}); a truncated or inconsistent header is an
 * {@link ImageLoadException} naming the image, the field and its offset.
 *
 * @param version the boot protocol version (0x020f is 2.15)
 * @param setupSectors the real-mode part's 512-byte sectors after the boot sector
 * @param loadFlags {@code loadflags}
 * @param xloadFlags {@code xloadflags}
 * @param relocatable whether the kernel may be loaded at any {@code kernelAlignment}-aligned address
 * @param kernelAlignment the alignment a relocatable kernel needs
 * @param prefAddress where a non-relocatable kernel must be loaded
 * @param initSize the bytes the kernel needs from its load address while it decompresses itself
 * @param initrdAddrMax the highest address the initial ramdisk's last byte may have
 * @param cmdlineSize the longest command line, without its terminating NUL
 * @param setupHeader the setup header's bytes, from offset {@link #SETUP_HEADER}: boot_params starts from them
 * @param kernelOffset where the protected-mode kernel starts in the file
 */
public record BzImage(int version, int setupSectors, int loadFlags, int xloadFlags, boolean relocatable,
        long kernelAlignment, long prefAddress, long initSize, long initrdAddrMax, long cmdlineSize, byte[] setupHeader,
        int kernelOffset) {
    /** Where the setup header starts, in the file and in boot_params. */
    public static final int SETUP_HEADER = 0x1f1;
    /** The 64-bit entry's offset from the load address of the protected-mode kernel. */
    public static final long ENTRY_64 = 0x200;
    /** {@code loadflags}: the protected-mode kernel is loaded at 0x100000 or above (a bzImage). */
    public static final int LOADED_HIGH = 1;
    /** {@code xloadflags}: the kernel has the 64-bit entry at load address + 0x200. */
    public static final int XLF_KERNEL_64 = 1;
    /** {@code xloadflags}: the kernel, boot_params, command line and ramdisk may be above 4 GiB. */
    public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;

    private static final int HDR_MAGIC = 0x5372_6448; // "HdrS"
    private static final int MIN_VERSION = 0x020c;
    // The boot_params field after the setup header (e820_table) bounds how long a header can be.
    private static final int SETUP_HEADER_LIMIT = 0x2d0;
    private static final int MIN_HEADER_END = 0x264; // through init_size

    /** Whether {@code image} carries the "HdrS" magic of an x86 boot sector. */
    public static boolean isBzImage(byte[] image) {
        return image.length >= 0x206 && le(image).getInt(0x202) == HDR_MAGIC;
    }

    /** Parses and checks {@code image}, named {@code what} in errors. */
    public static BzImage parse(String what, byte[] image) {
        if (!isBzImage(image)) {
            throw fail(what, 0x202, "no \"HdrS\" magic: not an x86 bzImage");
        }
        ByteBuffer b = le(image);
        int headerEnd = 0x202 + (image[0x201] & 0xff);
        if (headerEnd < MIN_HEADER_END || headerEnd > SETUP_HEADER_LIMIT || headerEnd > image.length) {
            throw fail(what, 0x201, String.format("the setup header ends at 0x%x (needs 0x%x..0x%x, within the file's "
                    + "0x%x bytes)", headerEnd, MIN_HEADER_END, SETUP_HEADER_LIMIT, image.length));
        }
        if (Short.toUnsignedInt(b.getShort(0x1fe)) != 0xaa55) {
            throw fail(what, 0x1fe, String.format("boot_flag 0x%x is not 0xaa55", Short.toUnsignedInt(b.getShort(0x1fe))));
        }
        int version = Short.toUnsignedInt(b.getShort(0x206));
        if (version < MIN_VERSION) {
            throw fail(what, 0x206, String.format("boot protocol %d.%02d is older than 2.12, the first with a 64-bit entry",
                    version >> 8, version & 0xff));
        }
        int loadFlags = image[0x211] & 0xff;
        if ((loadFlags & LOADED_HIGH) == 0) {
            throw fail(what, 0x211, "loadflags lacks LOADED_HIGH: a zImage loaded low, not a bzImage");
        }
        int xloadFlags = Short.toUnsignedInt(b.getShort(0x236));
        if ((xloadFlags & XLF_KERNEL_64) == 0) {
            throw fail(what, 0x236, String.format("xloadflags 0x%x lacks XLF_KERNEL_64: the kernel has no 64-bit entry",
                    xloadFlags));
        }
        int setupSectors = image[0x1f1] & 0xff;
        if (setupSectors == 0) {
            setupSectors = 4; // "if this field is 0, the real value is 4"
        }
        int kernelOffset = (setupSectors + 1) * 512;
        if (kernelOffset >= image.length) {
            throw fail(what, 0x1f1, String.format("setup_sects %d puts the protected-mode kernel at 0x%x, past the end of "
                    + "the file (0x%x bytes)", setupSectors, kernelOffset, image.length));
        }
        long alignment = Integer.toUnsignedLong(b.getInt(0x230));
        boolean relocatable = image[0x234] != 0;
        if (relocatable && (alignment == 0 || Long.bitCount(alignment) != 1)) {
            throw fail(what, 0x230, String.format("kernel_alignment 0x%x is not a power of two", alignment));
        }
        long prefAddress = b.getLong(0x258);
        long initSize = Integer.toUnsignedLong(b.getInt(0x260));
        long kernelBytes = image.length - kernelOffset;
        if (initSize < kernelBytes) {
            throw fail(what, 0x260, String.format("init_size 0x%x is smaller than the protected-mode kernel (0x%x bytes)",
                    initSize, kernelBytes));
        }
        if (!relocatable && (prefAddress < 0x10_0000 || (xloadFlags & XLF_CAN_BE_LOADED_ABOVE_4G) == 0
                && prefAddress + initSize > 1L << 32)) {
            throw fail(what, 0x258, String.format("pref_address 0x%x of a kernel that cannot be relocated is below 1 MiB "
                    + "or ends above 4 GiB", prefAddress));
        }
        long initrdAddrMax = Integer.toUnsignedLong(b.getInt(0x22c));
        long cmdlineSize = Integer.toUnsignedLong(b.getInt(0x238));
        return new BzImage(version, setupSectors, loadFlags, xloadFlags, relocatable, alignment, prefAddress, initSize,
                initrdAddrMax, cmdlineSize, Arrays.copyOfRange(image, SETUP_HEADER, headerEnd), kernelOffset);
    }

    /** The protocol version as "2.15". */
    public String versionText() {
        return (version >> 8) + "." + String.format("%02d", version & 0xff);
    }

    /**
     * Checks that the protected-mode kernel may be loaded at {@code loadAddr}.
     *
     * @throws ImageLoadException naming the address and what the kernel needs
     */
    public void checkLoadAddress(String what, long loadAddr) {
        if (!relocatable && loadAddr != prefAddress) {
            throw new ImageLoadException(String.format("%s: kernel_load_addr 0x%x: this bzImage cannot be relocated; load "
                    + "it at its pref_address 0x%x", what, loadAddr, prefAddress));
        }
        if (relocatable && (loadAddr % kernelAlignment != 0 || loadAddr < 0x10_0000)) {
            throw new ImageLoadException(String.format("%s: kernel_load_addr 0x%x must be a multiple of the kernel's "
                    + "kernel_alignment 0x%x at or above 1 MiB (its pref_address is 0x%x)", what, loadAddr,
                    kernelAlignment, prefAddress));
        }
        if ((xloadFlags & XLF_CAN_BE_LOADED_ABOVE_4G) == 0 && loadAddr + initSize > 1L << 32) {
            throw new ImageLoadException(String.format("%s: kernel_load_addr 0x%x + init_size 0x%x ends above 4 GiB, which "
                    + "this bzImage does not allow", what, loadAddr, initSize));
        }
    }

    private static ByteBuffer le(byte[] image) {
        return ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ImageLoadException fail(String what, int offset, String problem) {
        return new ImageLoadException(String.format("%s: bzImage offset 0x%x: %s", what, offset, problem));
    }

    // Arrays in records compare by identity; a header is compared by its fields where it matters.
    @Override
    public boolean equals(Object o) {
        return o instanceof BzImage other && version == other.version && kernelOffset == other.kernelOffset
                && Arrays.equals(setupHeader, other.setupHeader);
    }

    @Override
    public int hashCode() {
        return 31 * kernelOffset + Arrays.hashCode(setupHeader);
    }

    @Override
    public String toString() {
        return String.format("bzImage(protocol %s, setup_sects %d, init_size 0x%x, %s)", versionText(), setupSectors,
                initSize, relocatable ? "relocatable, alignment 0x" + Long.toHexString(kernelAlignment)
                        : "at 0x" + Long.toHexString(prefAddress));
    }
}
