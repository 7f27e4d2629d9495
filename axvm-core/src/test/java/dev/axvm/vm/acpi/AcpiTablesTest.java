package dev.axvm.vm.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcpiTablesTest {
    private static final long BASE = 0xe0000;

    @TempDir
    Path dir;

    private final AcpiTables tables = new AcpiTables(BASE, 2,
            List.of(new AcpiTables.VirtioMmio(0xd000_0000L, 5), new AcpiTables.VirtioMmio(0xd000_0200L, 6)), true);

    private static int sum(byte[] b, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += b[i];
        }
        return s & 0xff;
    }

    /** The table at {@code gpa} inside the block. */
    private static byte[] table(byte[] block, long gpa) {
        int at = (int) (gpa - BASE);
        int length = ByteBuffer.wrap(block, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(block, at, at + length);
    }

    @Test
    void theRsdpLeadsThroughTheXsdtToEveryTableAndEveryChecksumHolds() {
        byte[] block = tables.bytes();
        assertEquals("RSD PTR ", new String(block, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(0, sum(block, 0, 20), "RSDP checksum");
        assertEquals(0, sum(block, 0, 36), "RSDP extended checksum");
        ByteBuffer rsdp = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        byte[] xsdt = table(block, rsdp.getLong(24));
        assertEquals("XSDT", new String(xsdt, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0, sum(xsdt, 0, xsdt.length));
        ByteBuffer x = ByteBuffer.wrap(xsdt).order(ByteOrder.LITTLE_ENDIAN);
        byte[] fadt = table(block, x.getLong(36));
        byte[] madt = table(block, x.getLong(44));
        assertEquals("FACP", new String(fadt, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("APIC", new String(madt, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(276, fadt.length);
        assertEquals(0, sum(fadt, 0, fadt.length));
        assertEquals(0, sum(madt, 0, madt.length));
        byte[] dsdt = table(block, ByteBuffer.wrap(fadt).order(ByteOrder.LITTLE_ENDIAN).getLong(140));
        assertEquals("DSDT", new String(dsdt, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0, sum(dsdt, 0, dsdt.length));
        assertTrue((ByteBuffer.wrap(fadt).order(ByteOrder.LITTLE_ENDIAN).getInt(112) & (1 << 20)) != 0, "hardware-reduced");
    }

    @Test
    void pkgLengthsUseOneToFourBytes() {
        assertArrayEquals(new byte[] {0x3f}, Aml.pkgLength(0x3e));
        assertArrayEquals(new byte[] {0x41, 0x04}, Aml.pkgLength(0x3f), "0x41 = 0x40 | (0x41 & 0xf), 0x04 = 0x41 >> 4");
        assertEquals(3, Aml.pkgLength(0x1000).length);
        assertArrayEquals(new byte[] {0x0c, 0x41, (byte) 0xd0, 0x05, 0x01}, Aml.eisaId("PNP0501"));
    }

    @Test
    void iaslDecodesEveryTableWithoutAnError() throws Exception {
        assumeTrue(iasl(), "iasl is not installed (Debian package acpica-tools): it decodes the tables");
        byte[] block = tables.bytes();
        ByteBuffer x = ByteBuffer.wrap(table(block, ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getLong(24)))
                .order(ByteOrder.LITTLE_ENDIAN);
        byte[] fadt = table(block, x.getLong(36));
        byte[] dsdt = table(block, ByteBuffer.wrap(fadt).order(ByteOrder.LITTLE_ENDIAN).getLong(140));
        String dsl = decode("dsdt", dsdt);
        assertTrue(dsl.contains("\"LNRO0005\""), dsl);
        assertTrue(dsl.contains("0xD0000200"), dsl);
        assertTrue(dsl.contains("EisaId (\"PNP0501\")"), dsl);
        assertTrue(dsl.contains("EisaId (\"PNP0303\")") && dsl.contains("EisaId (\"PNP0B00\")"), dsl);
        assertTrue(java.util.regex.Pattern.compile("Name \\(_S5, Package \\(0x02\\)[^{]*\\{\\s*0x05,\\s*0x05\\s*\\}")
                .matcher(dsl).find(), dsl);
        String facp = decode("facp", fadt);
        assertTrue(facp.contains("Hardware Reduced (V5) : 1"), facp);
        String apic = decode("apic", table(block, x.getLong(44)));
        assertTrue(apic.contains("Local Apic ID : 01"), apic);
        decode("xsdt", x.array());
        // Not the RSDP: iasl 20200925 (Debian 12) refuses a bare RSDP file ("does not contain a valid
        // ACPI table"); its two checksums are checked above.
    }

    private String decode(String name, byte[] table) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".dat");
        Files.write(file, table);
        Process p = new ProcessBuilder("iasl", "-d", file.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(!out.contains("Error") && !out.contains("Warning"), out);
        return Files.readString(dir.resolve(name + ".dsl"));
    }

    private static boolean iasl() {
        try {
            return new ProcessBuilder("iasl", "-v").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
