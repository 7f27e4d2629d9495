package dev.axvm.vm.internal.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.testing.Seeds;
import dev.axvm.vm.ImageLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arm64 and riscv64 Image headers: what is honoured, what is refused, and that nothing else escapes. */
class LinuxImageTest {
    private static final long MIB = 1L << 20;

    private static byte[] header(int size, int magic, long textOffset, long imageSize, long flags) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, textOffset).putLong(16, imageSize).putLong(24, flags).putInt(56, magic);
        return b.array();
    }

    @Test
    void debiansArm64AndRiscvHeadersParse() {
        // The stock kernels' values (shared/notes/platform-facts.md): arm64 text_offset 0,
        // image_size 0x2010000; riscv64 text_offset 0x200000.
        LinuxImage arm = LinuxImage.parse("k", header(4096, 0x644d_5241, 0, 0x201_0000, 0xa), "aarch64").orElseThrow();
        assertEquals(new LinuxImage(0, 0x201_0000, true), arm);
        LinuxImage riscv = LinuxImage.parse("k", header(4096, 0x0543_5352, 0x20_0000, 0x180_0000, 0), "riscv64").orElseThrow();
        assertEquals(new LinuxImage(0x20_0000, 0x180_0000, false), riscv);
    }

    @Test
    void anotherArchitecturesImageOrAFlatBinaryIsNotALinuxImageHere() {
        assertEquals(Optional.empty(), LinuxImage.parse("k", header(4096, 0x644d_5241, 0, 8192, 0), "riscv64"));
        assertEquals(Optional.empty(), LinuxImage.parse("k", header(4096, 0x0543_5352, 0, 8192, 0), "aarch64"));
        assertEquals(Optional.empty(), LinuxImage.parse("k", new byte[63], "aarch64"), "shorter than a header");
    }

    @Test
    void aBigEndianArm64KernelIsRefusedNamingTheFlags() {
        ImageLoadException e = assertThrows(ImageLoadException.class,
                () -> LinuxImage.parse("kernel 'Image'", header(4096, 0x644d_5241, 0, 8192, 1), "aarch64"));
        assertEquals("kernel 'Image': the arm64 Image header's flags (offset 24) say big-endian; AxVM runs "
                + "little-endian guests", e.getMessage());
    }

    @Test
    void anImageSizeSmallerThanTheFileIsRefusedNamingTheOffset() {
        ImageLoadException e = assertThrows(ImageLoadException.class,
                () -> LinuxImage.parse("k", header(8192, 0x644d_5241, 0, 4096, 0), "aarch64"));
        assertTrue(e.getMessage().startsWith("k: image_size 0x1000 (offset 16) is smaller than the file"), e.getMessage());
    }

    @Test
    void anOldArm64ImageWithoutASizeTakesItsFileSize() {
        assertEquals(8192, LinuxImage.parse("k", header(8192, 0x644d_5241, 0x8_0000, 0, 0), "aarch64").orElseThrow().imageSize());
    }

    @Test
    void loadAddressesFollowEachArchitecturesRule() {
        LinuxImage arm = new LinuxImage(0x8_0000, MIB, true);
        arm.checkLoadAddress("k", 0x4008_0000L);
        assertThrows(ImageLoadException.class, () -> arm.checkLoadAddress("k", 0x4000_0000L));
        LinuxImage riscv = new LinuxImage(0x20_0000, MIB, false);
        riscv.checkLoadAddress("k", 0x8040_0000L);
        assertThrows(ImageLoadException.class, () -> riscv.checkLoadAddress("k", 0x8020_1000L));
    }

    /** Whatever a header holds, parsing returns or refuses with a message; accepted values are sane. */
    @Test
    void randomHeadersParseOrAreRefusedAndNeverEscapeAnotherWay() {
        int accepted = 0;
        int refused = 0;
        for (long seed : Seeds.forCases("LinuxImageTest.randomHeaders", 20_000)) {
            Random r = new Random(seed);
            String arch = r.nextBoolean() ? "aarch64" : "riscv64";
            int magic = r.nextInt(4) == 0 ? r.nextInt() : arch.equals("aarch64") ? 0x644d_5241 : 0x0543_5352;
            long textOffset = r.nextBoolean() ? r.nextLong() : r.nextLong(4 * MIB);
            long imageSize = switch (r.nextInt(4)) {
                case 0 -> r.nextLong();
                case 1 -> 0;
                default -> r.nextLong(64 * MIB);
            };
            byte[] bytes = header(64 + r.nextInt(64 * 1024), magic, textOffset, imageSize, r.nextInt(4));
            try {
                Optional<LinuxImage> image = LinuxImage.parse("k", bytes, arch);
                if (image.isPresent()) {
                    accepted++;
                    LinuxImage li = image.get();
                    assertTrue(li.imageSize() >= bytes.length && li.imageSize() <= 1L << 32, Seeds.replay(seed));
                    assertTrue(!li.pastBoundary() || (li.textOffset() >= 0 && li.textOffset() < 2 * MIB), Seeds.replay(seed));
                }
            } catch (ImageLoadException e) {
                refused++;
                assertTrue(e.getMessage().startsWith("k: "), Seeds.replay(seed) + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail(Seeds.replay(seed) + ": " + e, e);
            }
        }
        assertTrue(accepted > 1000 && refused > 1000, "both kinds generated: " + accepted + " accepted, " + refused + " refused");
    }
}
