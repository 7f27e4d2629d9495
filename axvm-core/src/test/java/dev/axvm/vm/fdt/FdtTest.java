package dev.axvm.vm.fdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The blob writer and reader: exact against dtc, round trips, and hostile blobs. */
class FdtTest {
    /** A small tree with every kind of value. */
    static Fdt sample() {
        FdtNode root = FdtNode.root().string("compatible", "linux,dummy-virt").cells("#address-cells", 2)
                .cells("#size-cells", 2);
        root.addChild("chosen").string("bootargs", "console=ttyAMA0").u64("linux,initrd-start", 0x4800_0000L);
        root.addChild("intc@8000000").cells("#interrupt-cells", 3).flag("interrupt-controller")
                .cells("reg", 0, 0x0800_0000L, 0, 0x1_0000).cells("phandle", 1);
        root.addChild("pl011@9000000").strings("compatible", "arm,pl011", "arm,primecell");
        return new Fdt(root, List.of(new FdtReservation(0x4800_0000L, 0x1000)), 0);
    }

    static final String SAMPLE_DTS = """
            /dts-v1/;

            /memreserve/\t0x0000000048000000 0x0000000000001000;
            / {
            \tcompatible = "linux,dummy-virt";
            \t#address-cells = <0x02>;
            \t#size-cells = <0x02>;

            \tchosen {
            \t\tbootargs = "console=ttyAMA0";
            \t\tlinux,initrd-start = <0x00 0x48000000>;
            \t};

            \tintc@8000000 {
            \t\t#interrupt-cells = <0x03>;
            \t\tinterrupt-controller;
            \t\treg = <0x00 0x8000000 0x00 0x10000>;
            \t\tphandle = <0x01>;
            \t};

            \tpl011@9000000 {
            \t\tcompatible = "arm,pl011\\0arm,primecell";
            \t};
            };
            """;

    @Test
    void dtcDecompilesTheBlobToTheExpectedSource() throws Exception {
        Dtc.require();
        Dtc.Result r = Dtc.run("dtb", "dts", sample().write());
        assertEquals(SAMPLE_DTS, r.out());
    }

    @Test
    void aBlobDtcCompiledReadsBackAsTheSameTree() throws Exception {
        Dtc.require();
        byte[] fromDtc = Dtc.run("dts", "dtb", SAMPLE_DTS.getBytes(StandardCharsets.US_ASCII)).out()
                .getBytes(StandardCharsets.ISO_8859_1);
        Fdt read = Fdt.read(fromDtc);
        assertEquals(sample().root(), read.root());
        assertEquals(sample().reservations(), read.reservations());
    }

    @Test
    void theHeaderIsVersion17WithTheBlocksWhereItSays() {
        byte[] b = sample().write();
        assertEquals(0xd00dfeed, word(b, 0));
        assertEquals(b.length, word(b, 4));
        assertEquals(17, word(b, 20));
        assertEquals(16, word(b, 24));
        assertEquals(40, word(b, 16), "the reservation block right after the header");
        assertEquals(0, word(b, 8) % 4, "the structure block aligned");
        assertEquals(b.length, word(b, 12) + word(b, 32), "the strings block last");
    }

    @Test
    void namesOutsideTheSpecificationsCharacterSetsAreRefused() {
        FdtNode root = FdtNode.root();
        assertThrows(IllegalArgumentException.class, () -> root.addChild("has space"));
        assertThrows(IllegalArgumentException.class, () -> root.addChild(""));
        assertThrows(IllegalArgumentException.class, () -> root.string("bad name", "x"));
        root.addChild("cpus");
        assertThrows(IllegalArgumentException.class, () -> root.addChild("cpus"), "a child name once");
        root.cells("x", 1);
        assertThrows(IllegalArgumentException.class, () -> root.cells("x", 2), "a property name once");
        assertThrows(IllegalArgumentException.class, () -> root.cells("big", 1L << 32));
    }

    // ---- properties ---------------------------------------------------------------------------

    private static FdtNode randomTree(SplittableRandom r, int depth, String name) {
        FdtNode n = name == null ? FdtNode.root() : null;
        return fill(r, depth, n);
    }

    private static FdtNode fill(SplittableRandom r, int depth, FdtNode n) {
        int props = r.nextInt(6);
        for (int i = 0; i < props; i++) {
            String pname = "p" + i + (r.nextBoolean() ? ",x" : "") + (r.nextInt(5) == 0 ? "#cells" : "");
            switch (r.nextInt(4)) {
                case 0 -> n.flag(pname);
                case 1 -> n.cells(pname, r.nextLong(0, 1L << 32), r.nextLong(0, 1L << 32));
                case 2 -> n.u64(pname, r.nextLong());
                default -> {
                    byte[] raw = new byte[r.nextInt(13)];
                    r.nextBytes(raw);
                    n.property(pname, raw);
                }
            }
        }
        if (depth < 4) {
            int kids = r.nextInt(4);
            for (int i = 0; i < kids; i++) {
                fill(r, depth + 1, n.addChild("n" + i + (r.nextBoolean() ? "@" + Long.toHexString(r.nextLong(1 << 30)) : "")));
            }
        }
        return n;
    }

    @Test
    void randomTreesSurviveAWriteAndARead() {
        for (long seed : Seeds.forCases("FdtTest.roundTrip", 3000)) {
            SplittableRandom r = new SplittableRandom(seed);
            Fdt fdt = new Fdt(randomTree(r, 0, null), List.of(new FdtReservation(r.nextLong(), r.nextLong(1, Long.MAX_VALUE))),
                    r.nextInt(8));
            byte[] blob = fdt.write();
            Fdt back = Fdt.read(blob);
            assertEquals(fdt, back, Seeds.replay(seed));
            assertArrayEquals(blob, back.write(), Seeds.replay(seed) + ": writing is stable");
        }
    }

    @Test
    void damagedBlobsAreRefusedWithAFormatErrorAndNothingElse() {
        byte[] good = sample().write();
        for (long seed : Seeds.forCases("FdtTest.damaged", 20_000)) {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bad = good.clone();
            int flips = 1 + r.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = r.nextInt(bad.length);
                bad[at] = r.nextInt(3) == 0 ? (byte) 0xff : (byte) r.nextInt(256);
            }
            if (r.nextInt(10) == 0) {
                bad = java.util.Arrays.copyOf(bad, r.nextInt(bad.length));
            }
            try {
                Fdt.read(bad);
            } catch (FdtFormatException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), Seeds.replay(seed));
            } catch (RuntimeException e) {
                fail(Seeds.replay(seed) + ": " + e, e);
            }
        }
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
