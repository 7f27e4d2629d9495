package dev.axvm.vm.internal.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * The snapshot file's layout (format version 1), little-endian throughout:
 *
 * <pre>
 * 0     header, 64 bytes: magic "AXVMSNAP", u32 format version, u32 section count,
 *       u64 table offset, u64 file length, u32 table CRC32C, u32 0, ..., u32 header CRC32C at 60
 * 4096  the sections' data, each at a page-aligned offset (memory can be mapped straight from it);
 *       a memory section is the region's full size with its all-zero pages left as holes; a pages
 *       section (in a diff snapshot) is only the pages a bitmap in a data section names, packed in
 *       page order
 * end   the section table: per section 80 bytes: u8 name length, name (ASCII, up to 47 bytes),
 *       u32 kind at 48, u32 CRC32C of the data at 52, u64 offset at 56, u64 length at 64, u64 0
 * </pre>
 *
 * The first section is the {@link SnapshotIdentity}. The file length in the header catches a
 * truncated or extended file; every byte of header, table and data sections is under a checksum.
 * A file's fingerprint is the SHA-256 of its header and table, which hold every section's
 * checksum: a diff snapshot names its base by it.
 */
final class SnapshotLayout {
    static final byte[] MAGIC = "AXVMSNAP".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int HEADER_CRC_AT = 60;
    static final int ENTRY_BYTES = 80;
    static final int NAME_MAX = 47;
    static final long PAGE = 4096;
    static final int MAX_SECTIONS = 4096;
    /** The largest data section read into the heap (device and vCPU state are kilobytes). */
    static final long MAX_DATA_SECTION = 64L << 20;
    static final int KIND_DATA = 0;
    static final int KIND_MEMORY = 1;
    static final int KIND_PAGES = 2;

    private SnapshotLayout() {}

    /** The fingerprint of a file whose header and table are these bytes. */
    static byte[] fingerprint(byte[] header, byte[] table) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(header);
            d.update(table);
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static long alignUp(long v) {
        return (v + PAGE - 1) & -PAGE;
    }
}
