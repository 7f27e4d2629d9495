package dev.axvm.vm.internal.boot;

import dev.axvm.vm.ImageLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The 64-byte header of a Linux kernel Image for aarch64 (Documentation/arch/arm64/booting.rst)
 * or riscv64 (Documentation/arch/riscv/boot-image-header.rst): where the kernel must sit relative
 * to a 2 MiB boundary ({@code text_offset}) and how much RAM it takes from there, BSS included
 * ({@code image_size}).
 *
 * <p>The two read {@code text_offset} differently: arm64's kernel must sit that far past a 2 MiB
 * boundary; riscv64's must sit on a 2 MiB boundary, and the offset only says how far from the start
 * of RAM a bootloader usually puts it (past the firmware, which a VM does not have).
 *
 * @param textOffset the header's text_offset
 * @param imageSize the bytes the kernel occupies once running, at least the file's size
 * @param pastBoundary whether the kernel must sit {@code textOffset} past a 2 MiB boundary (arm64),
 *     rather than on one (riscv64)
 */
public record LinuxImage(long textOffset, long imageSize, boolean pastBoundary) {
    /** Linux kernels must start this far from a 2 MiB boundary plus their text offset. */
    public static final long ALIGNMENT = 2L << 20;
    private static final int HEADER = 64;
    private static final int ARM64_MAGIC = 0x644d_5241; // "ARM\x64"
    private static final int RISCV_MAGIC2 = 0x0543_5352; // "RSC\x05"

    /**
     * The header of {@code bytes} if it is a Linux Image for {@code arch}; empty for anything else
     * (a flat binary or an ELF file is loaded as it is).
     *
     * @throws ImageLoadException naming the field, for an Image header whose values cannot be right
     */
    public static Optional<LinuxImage> parse(String what, byte[] bytes, String arch) {
        if (bytes.length < HEADER) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(56);
        boolean arm = arch.equals("aarch64") && magic == ARM64_MAGIC;
        boolean riscv = arch.equals("riscv64") && magic == RISCV_MAGIC2;
        if (!arm && !riscv) {
            return Optional.empty();
        }
        long textOffset = b.getLong(8);
        long imageSize = b.getLong(16);
        long flags = b.getLong(24);
        if (arm && (flags & 1) != 0) {
            throw new ImageLoadException(what + ": the arm64 Image header's flags (offset 24) say big-endian; "
                    + "AxVM runs little-endian guests");
        }
        if (arm && (textOffset < 0 || textOffset >= ALIGNMENT)) {
            throw new ImageLoadException(String.format("%s: text_offset 0x%x (offset 8) is not below 2 MiB", what, textOffset));
        }
        if (imageSize == 0) {
            // arm64 before 3.17: no size; the file and whatever follows it up to the next 2 MiB.
            imageSize = bytes.length;
        }
        if (imageSize < bytes.length || imageSize > (1L << 32)) {
            throw new ImageLoadException(String.format("%s: image_size 0x%x (offset 16) is smaller than the file "
                    + "(0x%x bytes) or larger than 4 GiB", what, imageSize, bytes.length));
        }
        return Optional.of(new LinuxImage(textOffset, imageSize, arm));
    }

    /**
     * Checks that {@code loadAddr} is where this kernel may be loaded: {@code text_offset} bytes past
     * a 2 MiB boundary (arm64), or on one (riscv64).
     *
     * @throws ImageLoadException naming the address and what it should be
     */
    public void checkLoadAddress(String what, long loadAddr) {
        if (!pastBoundary) {
            if (Math.floorMod(loadAddr, ALIGNMENT) != 0) {
                throw new ImageLoadException(String.format("%s: kernel_load_addr 0x%x must be on a 2 MiB boundary, e.g. 0x%x",
                        what, loadAddr, Math.floorDiv(loadAddr, ALIGNMENT) * ALIGNMENT + ALIGNMENT));
            }
            return;
        }
        if (Math.floorMod(loadAddr - textOffset, ALIGNMENT) != 0) {
            throw new ImageLoadException(String.format("%s: kernel_load_addr 0x%x must be text_offset (0x%x) past a "
                    + "2 MiB boundary, e.g. 0x%x", what, loadAddr, textOffset,
                    Math.floorDiv(loadAddr, ALIGNMENT) * ALIGNMENT + textOffset));
        }
    }
}
