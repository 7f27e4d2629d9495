package dev.axvm.vm.internal;

import dev.axvm.vm.ImageLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A 64-bit little-endian ELF executable, reduced to what loading needs: the entry point and the
 * PT_LOAD segments at their physical addresses. Every header field is checked against the file
 * before it is used: a hostile or truncated image gives an {@link ImageLoadException} that names
 * the image and the offset.
 *
 * @param entry e_entry
 * @param machine e_machine (62 x86_64, 183 aarch64, 243 riscv)
 * @param segments the PT_LOAD segments in file order
 * @param pvhEntry the 32-bit PVH entry point an x86 Linux {@code vmlinux} names in its Xen
 *     {@code PHYS32_ENTRY} note, if it has one
 */
public record ElfImage(long entry, int machine, List<Segment> segments, OptionalLong pvhEntry) {
    /** EM_X86_64. */
    public static final int EM_X86_64 = 62;
    /** EM_AARCH64. */
    public static final int EM_AARCH64 = 183;
    /** EM_RISCV. */
    public static final int EM_RISCV = 243;

    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
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
        OptionalLong pvh = OptionalLong.empty();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(at) == PT_NOTE && pvh.isEmpty()) {
                pvh = pvhNote(name, b, i, b.getLong(at + 8), b.getLong(at + 32));
            }
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
        return new ElfImage(entry, machine, List.copyOf(segments), pvh);
    }

    /**
     * The Xen PHYS32_ENTRY note among the notes of the PT_NOTE segment at {@code offset}, if there:
     * each note is a 12-byte header (name size, descriptor size, type), the name and the descriptor,
     * both padded to 4 bytes. The entry is the descriptor's 32- or 64-bit value below 4 GiB.
     */
    private static OptionalLong pvhNote(String name, ByteBuffer b, int header, long offset, long size) {
        long limit = b.capacity();
        if (offset < 0 || size < 0 || offset > limit || size > limit - offset) {
            throw fail(name, offset, String.format("program header %d: PT_NOTE at 0x%x + 0x%x runs past the end of the file",
                    header, offset, size));
        }
        long at = offset;
        long end = offset + size;
        while (end - at >= 12) {
            long nameSize = Integer.toUnsignedLong(b.getInt((int) at));
            long descSize = Integer.toUnsignedLong(b.getInt((int) at + 4));
            int type = b.getInt((int) at + 8);
            long nameAt = at + 12;
            long descAt = nameAt + pad4(nameSize);
            long next = descAt + pad4(descSize);
            if (next > end) {
                throw fail(name, at, String.format("note of name size %d and descriptor size %d runs past its PT_NOTE "
                        + "segment (ends at 0x%x)", nameSize, descSize, end));
            }
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && nameSize == 4 && b.getInt((int) nameAt) == 0x006e_6558) { // "Xen\0"
                long entry = switch ((int) descSize) {
                    case 4 -> Integer.toUnsignedLong(b.getInt((int) descAt));
                    case 8 -> b.getLong((int) descAt);
                    default -> throw fail(name, descAt, "the Xen PHYS32_ENTRY note's descriptor has " + descSize
                            + " bytes (expected 4 or 8)");
                };
                if (entry < 0 || entry > 0xffff_ffffL) {
                    throw fail(name, descAt, String.format("the PVH entry 0x%x is above 4 GiB (it is a 32-bit entry)", entry));
                }
                return OptionalLong.of(entry);
            }
            at = next;
        }
        return OptionalLong.empty();
    }

    private static long pad4(long n) {
        return (n + 3) & ~3L;
    }

    private static ImageLoadException fail(String name, long offset, String what) {
        return new ImageLoadException(String.format("%s: ELF offset 0x%x: %s", name, offset, what));
    }
}
