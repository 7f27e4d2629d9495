package dev.axvm.vm.internal;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.GuestImage;
import dev.axvm.config.ImageKind;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MemoryRegion;
import dev.axvm.vm.ImageLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Loads a config's images (kernel, BIOS, DTB, ramdisk) into guest RAM: from files relative to the
 * config ({@code image_location = "fs"}) or from bytes the embedder handed in by name
 * ({@code "memory"}). A kernel that is an ELF file is loaded by its PT_LOAD segments and starts at
 * its header's entry. Every piece is checked to fit in RAM before the first byte is copied.
 */
public final class ImageLoader {
    private static final long MAX_IMAGE = Integer.MAX_VALUE - 8;

    private final AxVMConfig config;
    private final Map<String, byte[]> memoryImages;
    private final int elfMachine;

    /**
     * @param memoryImages images by the name the config gives as their path ({@code image_location = "memory"})
     * @param elfMachine the ELF e_machine a kernel must have on this architecture
     */
    public ImageLoader(AxVMConfig config, Map<String, byte[]> memoryImages, int elfMachine) {
        this.config = config;
        this.memoryImages = Map.copyOf(memoryImages);
        this.elfMachine = elfMachine;
    }

    /** One contiguous copy into guest RAM: {@code length} bytes of {@code source} then {@code zeros} zero bytes. */
    private record Piece(String what, long gpa, byte[] source, int offset, int length, long zeros) {}

    /** Checks every image, then loads them all; returns the BSP's entry (the ELF entry for an ELF kernel). */
    public long load(GuestMemory memory) {
        List<Piece> pieces = new ArrayList<>();
        long entry = config.kernel().entryPoint();
        for (GuestImage image : config.kernel().images()) {
            byte[] bytes = read(image);
            if (image.kind() == ImageKind.KERNEL && ElfImage.isElf(bytes)) {
                ElfImage elf = ElfImage.parse(describe(image), bytes);
                if (elf.machine() != elfMachine) {
                    throw new ImageLoadException(describe(image) + ": ELF e_machine " + elf.machine()
                            + " is not this VM's architecture (expected " + elfMachine + ")");
                }
                for (ElfImage.Segment s : elf.segments()) {
                    pieces.add(new Piece(describe(image) + " segment at 0x" + Long.toHexString(s.physAddr()), s.physAddr(),
                            bytes, (int) s.fileOffset(), (int) s.fileSize(), s.memSize() - s.fileSize()));
                }
                entry = elf.entry();
            } else {
                pieces.add(new Piece(describe(image), image.loadAddr(), bytes, 0, bytes.length, 0));
            }
        }
        for (Piece p : pieces) {
            checkFits(p, memory);
        }
        for (Piece p : pieces) {
            memory.write(p.gpa(), p.source(), p.offset(), p.length());
            zero(memory, p.gpa() + p.length(), p.zeros());
        }
        return entry;
    }

    private static void zero(GuestMemory memory, long gpa, long count) {
        byte[] zeros = new byte[(int) Math.min(count, 1 << 16)];
        for (long done = 0; done < count; done += zeros.length) {
            memory.write(gpa + done, zeros, 0, (int) Math.min(zeros.length, count - done));
        }
    }

    private String describe(GuestImage image) {
        return image.kind().name().toLowerCase(java.util.Locale.ROOT) + " '" + image.path() + "'";
    }

    private byte[] read(GuestImage image) {
        if (config.kernel().imageLocation() == ImageLocation.MEMORY) {
            byte[] bytes = memoryImages.get(image.path());
            if (bytes == null) {
                throw new ImageLoadException(describe(image) + ": image_location = \"memory\" but no image named '"
                        + image.path() + "' was handed to the VM (have: " + memoryImages.keySet() + ")");
            }
            return bytes;
        }
        Path file = config.origin().resolve(image.path());
        try {
            // Checked at every load (a reboot reloads): a path swapped for a FIFO or a device would
            // block the loading thread or read without bound.
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ImageLoadException(describe(image) + ": " + file + " is not a regular file");
            }
            long size = attributes.size();
            if (size > MAX_IMAGE || size > totalRam()) {
                throw new ImageLoadException(String.format("%s (%s, 0x%x bytes) is larger than the VM's RAM (0x%x bytes)",
                        describe(image), file, size, totalRam()));
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) size); // no more than it had when checked, whatever it grows to
                if (bytes.length != size) {
                    throw new ImageLoadException(String.format("%s: %s shrank from 0x%x to 0x%x bytes while it was read",
                            describe(image), file, size, bytes.length));
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new ImageLoadException(describe(image) + ": " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ImageLoadException(describe(image) + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private long totalRam() {
        return config.kernel().memorySize();
    }

    private void checkFits(Piece p, GuestMemory memory) {
        long size = p.length() + p.zeros();
        if (size == 0 || memory.isRam(p.gpa(), size)) {
            return;
        }
        throw new ImageLoadException(String.format("%s (0x%x bytes) at GPA 0x%x does not fit in guest RAM: %s", p.what(),
                size, p.gpa(), where(p.gpa(), size)));
    }

    private String where(long gpa, long size) {
        for (MemoryRegion r : config.kernel().memoryRegions()) {
            if (r.contains(gpa)) {
                return String.format("it runs 0x%x bytes past the end of region [0x%x, 0x%x)",
                        gpa + size - (r.gpa() + r.size()), r.gpa(), r.gpa() + r.size());
            }
        }
        StringBuilder regions = new StringBuilder();
        for (MemoryRegion r : config.kernel().memoryRegions()) {
            regions.append(regions.isEmpty() ? "" : ", ").append(String.format("[0x%x, 0x%x)", r.gpa(), r.gpa() + r.size()));
        }
        return "no memory region contains it (regions: " + regions + ")";
    }

    /** The load address the config gives for {@code kind}, if any. */
    public OptionalLong loadAddr(ImageKind kind) {
        return config.kernel().loadAddr(kind);
    }
}
