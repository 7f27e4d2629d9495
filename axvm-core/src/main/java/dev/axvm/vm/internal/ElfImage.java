package dev.axvm.vm.internal;

import dev.axvm.vm.ImageLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A 64-bit little-endian ELF executable, reduced to what loading needs: the entry point and the
 * PT_LOAD segments at their physical addresses. Every header field is checked against the file
 * before it is used: a hostile or truncated image gives an {@link ImageLoadException} that names
 * the image and the offset.
 *
 * @param entry e_entry
 * @param machine e_machine (62 x86_64, 183 aarch64, 243 riscv)
 * @param segments the PT_LOAD segments in file order
 */
public record ElfImage(long entry, int machine, List<Segment> segments) {
    /** EM_X86_64. */
    public static final int EM_X86_64 = 62;
    /** EM_AARCH64. */
    public static final int EM_AARCH64 = 183;
    /** EM_RISCV. */
    public static final int EM_RISCV = 243;

    private static final int PT_LOAD = 1;
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int MAX_PHNUM = 4096;

    /**
     * A loadable segment.
     *
     * @param physAddr p_paddr: where it goes in guest-physical memory
     * @param fileOffset p_offset
     * @param fileSize p_filesz: bytes copied from the file
     * @param memSize p_memsz: bytes it occupies (the rest is zero)
     */
    public record Segment(long physAddr, long fileOffset, long fileSize, long memSize) {}

    /** Whether {@code image} starts with the ELF magic. */
    public static boolean isElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    /** Parses {@code image}, named {@code name} in errors. */
    public static ElfImage parse(String name, byte[] image) {
        if (!isElf(image)) {
            throw fail(name, 0, "no ELF magic");
        }
        if (image.length < EHDR_SIZE) {
            throw fail(name, 0, "the ELF header needs 64 bytes but the file has " + image.length);
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image[4] != 2) {
            throw fail(name, 4, "EI_CLASS " + image[4] + " is not ELFCLASS64");
        }
        if (image[5] != 1) {
            throw fail(name, 5, "EI_DATA " + image[5] + " is not little-endian");
        }
        int type = Short.toUnsignedInt(b.getShort(16));
        if (type != 2 && type != 3) {
            throw fail(name, 16, "e_type " + type + " is neither ET_EXEC nor ET_DYN");
        }
        int machine = Short.toUnsignedInt(b.getShort(18));
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        if (phnum == 0 || phnum > MAX_PHNUM) {
            throw fail(name, 56, "e_phnum " + phnum + " (expected 1.." + MAX_PHNUM + ")");
        }
        if (phentsize != PHDR_SIZE) {
            throw fail(name, 54, "e_phentsize " + phentsize + " (expected " + PHDR_SIZE + ")");
        }
        if (phoff < EHDR_SIZE || phoff > image.length || (long) phnum * PHDR_SIZE > image.length - phoff) {
            throw fail(name, 32, String.format("program headers at 0x%x x %d run past the end of the file (0x%x bytes)",
                    phoff, phnum, image.length));
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = b.getLong(at + 8);
            long paddr = b.getLong(at + 24);
            long filesz = b.getLong(at + 32);
            long memsz = b.getLong(at + 40);
            String where = "program header " + i;
            if (filesz < 0 || offset < 0 || offset > image.length || filesz > image.length - offset) {
                throw fail(name, at + 32, String.format("%s: p_offset 0x%x + p_filesz 0x%x run past the end of the file "
                        + "(0x%x bytes)", where, offset, filesz, image.length));
            }
            if (Long.compareUnsigned(memsz, filesz) < 0) {
                throw fail(name, at + 40, String.format("%s: p_memsz 0x%x is smaller than p_filesz 0x%x", where, memsz,
                        filesz));
            }
            if (memsz != 0 && Long.compareUnsigned(paddr + memsz - 1, paddr) < 0) {
                throw fail(name, at + 24, String.format("%s: p_paddr 0x%x + p_memsz 0x%x wraps past 2^64", where, paddr,
                        memsz));
            }
            segments.add(new Segment(paddr, offset, filesz, memsz));
        }
        if (segments.isEmpty()) {
            throw fail(name, phoff, "no PT_LOAD segment");
        }
        return new ElfImage(entry, machine, List.copyOf(segments));
    }

    private static ImageLoadException fail(String name, long offset, String what) {
        return new ImageLoadException(String.format("%s: ELF offset 0x%x: %s", name, offset, what));
    }
}
