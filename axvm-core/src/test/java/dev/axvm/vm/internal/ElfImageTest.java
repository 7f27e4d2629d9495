package dev.axvm.vm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.vm.ImageLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ELF parsing: real images from the build, and hostile ones. */
class ElfImageTest {
    private static final long SEED = Long.getLong("axvm.seed", System.nanoTime());

    private static byte[] guestElf(String name) throws IOException {
        try (InputStream in = ElfImageTest.class.getResourceAsStream("/guests/x86_64/" + name + ".elf")) {
            assertNotNull(in, name + ".elf was not built");
            return in.readAllBytes();
        }
    }

    @Test
    void aGuestLinkedAt0x8000HasItsEntryInsideALoadSegment() throws IOException {
        ElfImage elf = ElfImage.parse("hello-real.elf", guestElf("hello-real"));
        assertEquals(0x8000, elf.entry());
        assertEquals(ElfImage.EM_X86_64, elf.machine());
        ElfImage.Segment text = elf.segments().stream()
                .filter(s -> s.physAddr() <= 0x8000 && 0x8000 < s.physAddr() + s.memSize()).findFirst().orElseThrow();
        assertTrue(text.fileSize() > 0 && text.memSize() >= text.fileSize());
        assertEquals(0, text.physAddr() % 4096, "segments start on a page (the linker puts the headers in the first)");
    }

    @Test
    void aFlatBinaryIsNotElf() throws IOException {
        try (InputStream in = ElfImageTest.class.getResourceAsStream("/guests/x86_64/hello-real.bin")) {
            assertFalse(ElfImage.isElf(in.readAllBytes()));
        }
    }

    @Test
    void truncatedHeadersNameTheImageAndTheOffset() throws IOException {
        byte[] elf = guestElf("hello-real");
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ElfImage.parse("k.elf", Arrays.copyOf(elf, 40)));
        assertEquals("k.elf: ELF offset 0x0: the ELF header needs 64 bytes but the file has 40", e.getMessage());
        byte[] shortFile = Arrays.copyOf(elf, 100);
        e = assertThrows(ImageLoadException.class, () -> ElfImage.parse("k.elf", shortFile));
        assertTrue(e.getMessage().startsWith("k.elf: ELF offset 0x20: program headers at 0x40 x "), e.getMessage());
    }

    @Test
    void aSegmentRunningPastTheFileIsRefused() throws IOException {
        byte[] elf = guestElf("hello-real");
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(32);
        b.putLong((int) phoff + 32, 1L << 40); // p_filesz
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ElfImage.parse("k.elf", elf));
        assertTrue(e.getMessage().contains("p_filesz 0x10000000000 run past the end of the file"), e.getMessage());
    }

    @Test
    void aSegmentWrappingPast2To64IsRefused() throws IOException {
        byte[] elf = guestElf("hello-real");
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(32);
        b.putLong((int) phoff + 24, -4096L); // p_paddr
        b.putLong((int) phoff + 40, 1L << 20); // p_memsz
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ElfImage.parse("k.elf", elf));
        assertTrue(e.getMessage().contains("wraps past 2^64"), e.getMessage());
    }

    /** Random corruption of a real image: it parses or fails with ImageLoadException, nothing else. */
    @Test
    void corruptedImagesNeverThrowAnythingButImageLoadException() throws IOException {
        byte[] original = guestElf("hello-long");
        SplittableRandom random = new SplittableRandom(SEED);
        for (int run = 0; run < 5000; run++) {
            byte[] image = original.clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                image[random.nextInt(Math.min(image.length, 512))] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                image = Arrays.copyOf(image, random.nextInt(image.length));
            }
            try {
                ElfImage elf = ElfImage.parse("fuzz.elf", image);
                for (ElfImage.Segment s : elf.segments()) {
                    assertTrue(s.fileOffset() + s.fileSize() <= image.length, "segment inside the file, seed " + SEED);
                }
            } catch (ImageLoadException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz.elf: ELF offset 0x"), expected.getMessage());
            } catch (RuntimeException other) {
                fail("run " + run + " threw " + other + " (replay with -Daxvm.seed=" + SEED + ")", other);
            }
        }
    }
}
