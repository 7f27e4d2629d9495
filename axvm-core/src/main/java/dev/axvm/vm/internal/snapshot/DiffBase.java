package dev.axvm.vm.internal.snapshot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A diff snapshot's link to its base and its page maps, as they sit in its sections: the base as
 * the base file's 32-byte fingerprint followed by its path (UTF-8); a page map as little-endian
 * 64-bit words, bit {@code i % 64} of word {@code i / 64} for page {@code i}.
 */
public final class DiffBase {
    private static final int FINGERPRINT_BYTES = 32;
    private static final int PATH_MAX = 4096;

    private DiffBase() {}

    /** The {@code base} section's bytes. */
    public static byte[] encode(SnapshotRef base) {
        byte[] path = base.file().toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(FINGERPRINT_BYTES + path.length).put(base.fingerprint()).put(path).array();
    }

    /**
     * The base a diff in {@code diffFile} names: its path as written, or, when nothing is there,
     * the same file name beside the diff (a chain moved as a whole still restores); the
     * fingerprint decides whether it is the right file.
     *
     * @throws dev.axvm.vm.SnapshotException naming the diff when the section is malformed
     */
    public static SnapshotRef decode(SnapshotReader diff, Path diffFile, byte[] section) {
        if (section.length <= FINGERPRINT_BYTES || section.length > FINGERPRINT_BYTES + PATH_MAX) {
            throw diff.refuse("section 'base' has " + section.length + " bytes; a fingerprint and a path have 33 to "
                    + (FINGERPRINT_BYTES + PATH_MAX));
        }
        String name = new String(section, FINGERPRINT_BYTES, section.length - FINGERPRINT_BYTES, StandardCharsets.UTF_8);
        Path path;
        try {
            path = Path.of(name);
        } catch (InvalidPathException e) {
            throw diff.refuse("section 'base' names no usable path: " + e.getMessage());
        }
        if (!path.toFile().exists() && path.getFileName() != null) {
            Path beside = diffFile.toAbsolutePath().resolveSibling(path.getFileName());
            path = beside.toFile().exists() ? beside : path;
        }
        return new SnapshotRef(path, Arrays.copyOf(section, FINGERPRINT_BYTES));
    }

    /** A page map's bytes. */
    public static byte[] encodeMap(long[] pages) {
        ByteBuffer b = ByteBuffer.allocate(pages.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : pages) {
            b.putLong(w);
        }
        return b.array();
    }

    /**
     * A page map for a region of {@code regionBytes}: exactly as many words as its pages need.
     *
     * @throws dev.axvm.vm.SnapshotException naming the diff and section otherwise
     */
    public static long[] decodeMap(SnapshotReader diff, String section, byte[] bytes, long regionBytes) {
        long pages = regionBytes / SnapshotLayout.PAGE;
        long words = (pages + 63) / 64;
        if (bytes.length != words * 8) {
            throw diff.refuse("section '" + section + "' has " + bytes.length + " bytes; the page map of a region of " + pages
                    + " pages has " + words * 8);
        }
        long[] out = new long[(int) words];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }
}
